// npm run check:tcp -- --port 4000 [--host H]: holds any TCP event server, in any language, to the
// lesson, over the wire. It judges only the lines it sent, each marked with this run's id, so it
// holds on a server that a class is using.
import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";
import { pathToFileURL } from "node:url";
import {
  cli,
  Failed,
  flags,
  Heard,
  listens,
  must,
  portOf,
  printed,
  runChecks,
  Stop,
  WAIT,
  WAIT_USAGE,
  waitOf,
  type Print,
} from "./report.ts";

const USAGE = `usage: npm run check:tcp -- --port 4000 [--host localhost]
  [--events create,update,delete] [--unknown read] ${WAIT_USAGE}
Checks the TCP lesson's behaviours against any event server that speaks lines: "event data\\n".`;
const LONGEST_LINE = 1024 * 1024; // an endless line must be answered before this much of it
// A client that stops reading must be dropped before this much waits for it: the lesson's 1 MiB,
// and what the two systems' socket buffers hold, which a loaded machine lets grow to several MiB
const MOST_UNREAD = 16 * 1024 * 1024;
const MiB = (bytes: number) => `${bytes / 1024 / 1024} MiB`;

export type TcpSettings = ReturnType<typeof tcpSettings>;

export function tcpSettings(args: string[]) {
  const o = flags(
    USAGE,
    {
      port: { type: "string", default: "4000" },
      host: { type: "string", default: "localhost" },
      events: { type: "string", default: "create,update,delete" },
      unknown: { type: "string", default: "read" },
      wait: WAIT,
    },
    args,
  );
  const events = o.events.split(",");
  if (events.length !== 3 || new Set(events).size !== 3 || !events.every(word))
    throw new Stop(`--events takes three event names, like create,update,delete, not ${o.events}`);
  if (!word(o.unknown) || events.includes(o.unknown))
    throw new Stop(`--unknown takes an event name not in --events, like read, not ${o.unknown}`);
  return { port: portOf(o.port), host: o.host, events, unknown: o.unknown, wait: waitOf(o.wait) };
}
const word = (name: string) => /^\S+$/.test(name);

export async function checkTcp(settings: TcpSettings, print: Print = printed) {
  const { port, host, unknown, wait } = settings;
  const [first, second, third] = settings.events;
  const run = randomBytes(3).toString("hex");
  const mark = (what: string) => `{"check":"${what}","run":"${run}"}`;
  const broadcast = (line: string) => settings.events.some((e) => line.startsWith(`${e} `));
  const open = new Set<Socket>();
  // An HTTP server (a Socket.IO lesson's, say) answers the first line with a status, headers and a
  // blank line, and closes: no event server's answer looks like that
  let http = "";
  const isHttpAnswer = ([status = "", ...headers]: string[]) =>
    status.startsWith("HTTP/") &&
    headers.at(-1) === "" &&
    headers.slice(0, -1).every((header) => /^[\w-]+: /.test(header));
  const answersInHttp = () =>
    new Stop(
      `something listens on ${host}:${port}, but it answers in HTTP ("${http}"), not in lines: ` +
        "is that your TCP server's port? If not, pass --port and --host",
    );

  // A client that keeps the lines it hears (without a trailing \r), as nc would show them: this
  // run's, and the server's answers, not what a class passes on meanwhile.
  async function client() {
    const socket = connect({ port, host });
    open.add(socket);
    await new Promise<void>((done, fail) =>
      socket.once("connect", done).once("error", ({ code }: NodeJS.ErrnoException) => {
        fail(new Failed("a connection", `${code}`, "does the server still run?"));
      }),
    );
    const heard = new Heard<string>(wait);
    const ready = new Set<string>();
    const closed = new Promise<void>((done) =>
      socket
        .on("error", () => {})
        .once("close", () => {
          if (isHttpAnswer(heard.items)) http ||= heard.items[0];
          done(heard.end("a disconnect"));
        }),
    );
    let unfinished = "";
    socket.setEncoding("utf8").on("data", (text: string) => {
      const lines = (unfinished + text).split("\n");
      unfinished = lines.pop() ?? "";
      for (const line of lines.map((l) => l.replace(/\r$/, "")))
        if (line.includes(`{"ready":`))
          ready.add(line); // settle()'s, not the check's
        else if (line.includes(run) || !broadcast(line)) heard.add(line);
    });
    const until = (line: string, hint: string, sentinel?: string) =>
      heard.until(line, `"${line}"`, hint, sentinel).catch((error: unknown) => {
        throw http ? answersInHttp() : error;
      });
    const send = (data: string | Buffer) => socket.write(data);
    return { socket, heard, ready, closed, until, send };
  }
  type Client = Awaited<ReturnType<typeof client>>;

  // TCP has no word for "you are in the pool now" (a Socket.IO connect is one): the last client a
  // check connected speaks, and once every one of them hears it, all are in. A server that does not
  // pass it on to all gets a second, and the check then says what it lacks.
  let readies = 0;
  async function settle(...clients: Client[]) {
    const line = `${first} {"ready":${++readies},"run":"${run}"}`;
    clients[clients.length - 1].send(`${line}\n`);
    const heard = (c: Client) => c.ready.has(line) || c.heard.ended; // a client gone hears nothing
    for (let waited = 0; waited < 1000 && !clients.every(heard) && !http; waited += 20)
      await new Promise((done) => setTimeout(done, 20));
  }

  // The server still serves: a line from a client comes back to it.
  async function stillServes(other: Client, name: string) {
    other.send(`${third} ${mark(name)}\n`);
    await other.until(`${third} ${mark(name)}`, "the other clients must still be served");
  }

  // Fills a client that never reads until the server drops it. If the server answers an unknown
  // event to its sender alone, only that client hears the flood: it sends unknown events, and the
  // answers pile up. Else every client hears it, as events passed on, after a line that says so.
  async function fillUntilDropped(slow: Client, other: Client) {
    const probe = `${first} ${mark("8 probe")}`;
    slow.send(`${unknown}\n${probe}\n`);
    const hint = "pass on the events you recognise";
    const [answers, seen] = await Promise.all([slow.until(probe, hint), other.until(probe, hint)]);
    const alone = !seen.includes(unknown) && answers.find((l) => l !== probe && l !== unknown);
    const passedOn = `${first} ${"y".repeat(1000)}\n`; // no mark: other checkers pass it by
    const [line, perLine] = alone
      ? [`${unknown}\n`, Buffer.byteLength(alone) + 1]
      : [passedOn, passedOn.length];
    const toAll = `${MiB(MOST_UNREAD)} of ${first} lines to every client, now`;
    if (!alone)
      print(`no answer to ${unknown} for its sender alone: filling a client with ${toAll}`);
    slow.socket.pause(); // and it never reads again
    const count = Math.ceil((64 * 1024) / perLine); // lines for 64 KiB to it
    for (let n = 0; n * count * perLine <= MOST_UNREAD && !slow.heard.ended; n++) {
      if (alone) {
        if (!slow.send(line.repeat(count))) await drained(slow.socket);
        continue;
      }
      // The sender hears it all too: it sends more once it has heard this, or it would be dropped.
      const sent = `${first} ${mark(`8 ${n}`)}`;
      other.send(`${line.repeat(count)}${sent}\n`);
      slow.send("\n"); // to a dropped client, a write comes back as a reset
      await other.until(sent, "the other clients must still be served");
    }
    const end = `${first} ${mark("8 end")}`;
    (alone ? slow : other).send(`${end}\n`); // once the other hears it, the server read it all
    for (let waited = 0, after = 0; !slow.heard.ended && waited < wait && after < 3; waited += 50) {
      slow.send("\n");
      if (other.heard.items.includes(end)) after += 1; // a reset takes a round trip to come back
      await new Promise((done) => setTimeout(done, 50));
    }
  }

  const reached = await listens(host, port, wait);
  if (reached !== "open") {
    const start = "start your server, or pass --port and --host";
    throw new Stop(`nothing listens on ${host}:${port} (${reached}): ${start}`);
  }

  const BASICS = "basics: what the lesson plan asks for";
  const BEYOND = "beyond the lesson plan";
  return runChecks(
    [
      {
        group: BASICS,
        name: `a recognised event (${first}) reaches every client, the sender included`,
        run: async () => {
          const clients = [await client(), await client(), await client()];
          await settle(...clients);
          const [line, after] = [`${first} ${mark("1")}`, `${first} ${mark("1 after")}`];
          clients[0].send(`${line}\n${after}\n`); // a sentinel after
          const hint = "send each event to every socket in the pool";
          await Promise.all(clients.map((c) => c.until(line, hint, after)));
        },
      },
      {
        group: BASICS,
        name: `an unrecognised event (${unknown}) reaches no one`,
        run: async () => {
          const [sender, other] = [await client(), await client()];
          await settle(sender, other);
          const [line, after] = [`${unknown} ${mark("2")}`, `${first} ${mark("2 after")}`];
          sender.send(`${line}\n${after}\n`);
          for (const c of [other, sender]) {
            const before = await c.until(after, "pass on the events you recognise");
            const hint = `pass on only ${settings.events.join(", ")}`;
            must(!before.includes(line), `no "${line}"`, c.heard.got(), hint);
          }
        },
      },
      {
        group: BASICS,
        name: "after a client leaves, events still reach the rest",
        run: async () => {
          const [sender, other, leaving] = [await client(), await client(), await client()];
          await settle(sender, other, leaving);
          leaving.socket.resetAndDestroy(); // abruptly, as a laptop that shuts its lid
          for (const n of [1, 2]) {
            sender.send(`${second} ${mark(`3 ${n}`)}\n`);
            const hint = "remove a client from the pool when it closes, and handle its errors";
            await other.until(`${second} ${mark(`3 ${n}`)}`, hint);
          }
        },
      },
      {
        group: BEYOND,
        name: "two lines in one write are two events, and a line written in pieces is one",
        run: async () => {
          const [sender, other] = [await client(), await client()];
          await settle(sender, other);
          sender.socket.setNoDelay(true);
          const [a, b] = [`${first} ${mark("4a")}`, `${second} ${mark("4b")}`];
          sender.send(`${a}\n${b}\n`);
          for (const line of [a, b])
            await other.until(line, "TCP is a stream: split what you read at each \\n");
          sender.send(third.slice(0, 2));
          await new Promise((done) => setTimeout(done, 100)); // the rest of the line comes later
          const after = `${third} ${mark("4 after")}`;
          sender.send(`${third.slice(2)} ${mark("4c")}\n${after}\n`); // a sentinel after
          const hint = "keep an unfinished line until its \\n arrives";
          await other.until(`${third} ${mark("4c")}`, hint, after);
        },
      },
      {
        group: BEYOND,
        name: "a line may end in \\r\\n, as nc and telnet send it",
        run: async () => {
          const [sender, other] = [await client(), await client()];
          await settle(sender, other);
          const [line, after] = [`${first} ${mark("5")}`, `${second} ${mark("5 after")}`];
          sender.send(`${line}\r\n${after}\n`);
          const hint = `drop a \\r before the \\n, or "${first}" ends in \\r: no event you know`;
          await other.until(line, hint, after);
        },
      },
      {
        group: BEYOND,
        name: `an endless line is answered, or its client dropped, within ${MiB(LONGEST_LINE)}`,
        run: async () => {
          const [endless, other] = [await client(), await client()];
          await settle(endless, other);
          endless.heard.items.splice(0); // a greeting on connect is no answer to the line
          const answered = () => endless.heard.items.length > 0 || endless.heard.ended !== "";
          endless.send(`${first} ${mark("6")} `); // and no end of line, ever
          const part = "x".repeat(64 * 1024);
          for (let sent = 0; sent <= LONGEST_LINE && !answered(); sent += part.length)
            if (!endless.send(part)) await drained(endless.socket);
          const hint = "limit a line's length (the lesson's limit: 64 KiB), answer, disconnect";
          const expected = "an answer or a disconnect";
          await endless.heard.answer(expected, hint).catch((error: Error) => {
            endless.socket.resetAndDestroy(); // no end, so no server takes the rest for a line
            throw error;
          });
          await stillServes(other, "6 after");
        },
      },
      {
        group: BEYOND,
        name: "a line that is not UTF-8 is passed on to no one, and stops no one",
        run: async () => {
          const [bad, other] = [await client(), await client()];
          await settle(bad, other);
          const after = `${second} ${mark("7 after")}`;
          const bytes = [Buffer.from(`${first} `), Buffer.from([0xff, 0xfe])];
          bad.send(Buffer.concat([...bytes, Buffer.from(` ${mark("7")}\n${after}\n`)]));
          const hint = "refuse it: answer its sender, or drop it, and pass it on to no one";
          const before = await Promise.race([other.until(after, hint), bad.closed.then(() => [])]);
          const passedOn = before.some((line) => line.includes(mark("7")));
          must(!passedOn, "no line with the bad bytes", other.heard.got(), hint);
          await stillServes(other, "7 still");
        },
      },
      {
        group: BEYOND,
        name: `a client that stops reading is dropped before ${MiB(MOST_UNREAD)} wait for it`,
        run: async () => {
          const [slow, other] = [await client(), await client()];
          await settle(slow, other);
          await fillUntilDropped(slow, other);
          const dropped = slow.heard.ended !== "";
          if (!dropped) slow.socket.resetAndDestroy(); // what it holds for it goes at once
          const hint = "drop a client once 1 MiB waits for it, on every write to it: answers too";
          must(dropped, "a disconnect", `none after ${MiB(MOST_UNREAD)}`, hint);
          await stillServes(other, "8 after");
        },
      },
    ],
    {
      print,
      closeClients: () => Promise.all([...open].map(leave)).then(() => open.clear()),
      wait,
      last: ["after a client leaves, events still reach the rest"],
    },
  );
}

// Closes a client as nc does on Ctrl-D, so that no server sees a reset it did not ask for: a reset
// is what a close with unread lines sends.
function leave(socket: Socket) {
  return new Promise<void>((done) => {
    if (socket.destroyed) return done();
    const timer = setTimeout(() => socket.destroy(), 1000); // for a server that never closes
    socket.once("close", () => done(clearTimeout(timer))).end();
  });
}

// Resolves once the socket takes more writes, or closes.
function drained(socket: Socket) {
  return new Promise<void>((done) => {
    const go = () => done(void socket.off("drain", go).off("close", go));
    socket.on("drain", go).on("close", go);
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await cli(() => checkTcp(tcpSettings(process.argv.slice(2))));
}
