// npm run check:socketio -- --port 3000 [--host H] (or --url U): holds any Socket.IO event server,
// in any language, to the lesson, over the wire. It judges only what it said itself, each text and
// record marked with this run's id, so it holds on a server that a class is using.
import { randomInt } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { pathToFileURL } from "node:url";
import { io, type Socket } from "socket.io-client";
import {
  cli,
  connected,
  Failed,
  flags,
  WAIT,
  WAIT_USAGE,
  waitOf,
  Heard,
  disconnectAll,
  must,
  printed,
  reachSocketIo,
  runChecks,
  speechIn,
  urlOf,
  type Print,
} from "./report.ts";

const USAGE = `usage: npm run check:socketio -- --port 3000 [--host localhost]
  [--url http://localhost:3000, instead of --port and --host] [--speak speak] [--message message]
  ${WAIT_USAGE}
Checks the Socket.IO lesson's behaviours: a client emits speak, and every client gets a message.`;

export type SocketIoSettings = ReturnType<typeof socketIoSettings>;

export function socketIoSettings(args: string[]) {
  const o = flags(
    USAGE,
    {
      url: { type: "string" },
      port: { type: "string" },
      host: { type: "string" },
      speak: { type: "string", default: "speak" },
      message: { type: "string", default: "message" },
      wait: WAIT,
    },
    args,
  );
  return { url: urlOf(o), speak: o.speak, message: o.message, wait: waitOf(o.wait) };
}

export async function checkSocketIo(settings: SocketIoSettings, print: Print = printed) {
  const { url, speak, message, wait } = settings;
  const run = randomInt(1e6, 1e9); // the ids of this run's records, and the mark in its texts
  const text = (what: string) => `check ${run}: ${what}`;
  const record = (n: number, change: string) => ({ id: run + n, change });
  const ours = (id: unknown) => typeof id === "number" && id > run && id < run + 10;
  const mine = (said: unknown) =>
    said === null || // no one's: refused, whoever says it
    (typeof said === "string" && said.startsWith(text(""))) ||
    (typeof said === "object" && "id" in said && ours(said.id));
  const open = new Set<Socket>();

  // A client that keeps what each message carried, the speech in it or the whole payload: this
  // run's, not what a class says meanwhile.
  async function client() {
    const socket = io(url, connecting);
    open.add(socket);
    const heard = new Heard<unknown>(wait); // from the start: what a server replays comes first
    let messages = 0; // anyone's, in any shape
    socket.on(message, (payload: unknown) => {
      messages += 1;
      const speech = speechIn(payload);
      if (mine(speech)) heard.add(speech);
    });
    socket.on("disconnect", (why) => heard.end(`a disconnect (${why})`));
    await connected(socket);
    const until = (speech: unknown, hint: string, sentinel?: unknown) =>
      heard.until(speech, `a ${message} with ${JSON.stringify(speech)}`, hint, sentinel);
    // The answer to a speak, or undefined: none came within the wait, or the client was dropped,
    // before (a speak would wait in the client for a connection) or meanwhile
    const ask = async (speech: unknown): Promise<unknown> =>
      socket.connected
        ? socket
            .timeout(wait)
            .emitWithAck(speak, speech)
            .catch(() => undefined)
        : undefined;
    const speakIt = (speech: unknown) => socket.emit(speak, speech);
    return { socket, heard, until, ask, speak: speakIt, messages: () => messages };
  }
  type Client = Awaited<ReturnType<typeof client>>;
  // What was heard, less the sentinels of earlier waits: they may still be on their way
  const withoutSentinels = (heard: unknown[]) =>
    heard.filter((said) => !String(said).startsWith(text("sentinel ")));

  // Each client's wait for a speech. Once one client has it, the server has passed it on, so every
  // client then says a sentinel: a client that hears a sentinel first will not hear the speech, and
  // is told so at once, whoever the server sends to, instead of at the end of its --wait.
  let sentinels = 0;
  async function hearing(clients: Client[], speech: unknown, hint: (i: number) => string) {
    const sentinel = text(`sentinel ${++sentinels}`);
    const waits = clients.map((c, i) => c.until(speech, hint(i), sentinel));
    await Promise.any(waits).catch(() => {});
    for (const c of clients) c.speak(sentinel);
    return Promise.allSettled(waits);
  }

  // What came up to a speech at each client that hears it; if none does, why the first did not.
  // A check of what a message carries, or of what comes before it, judges every copy, whether
  // the server sends to the sender or not: the first check alone judges who hears it.
  async function heardBy(clients: Client[], speech: unknown, hint: string) {
    const results = await hearing(clients, speech, () => hint);
    const heard = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    if (heard.length === 0) throw (results[0] as PromiseRejectedResult).reason;
    return heard;
  }

  const connecting = await reachSocketIo(url, wait, print); // before the first client()
  const BASICS = "basics: what the lesson plan asks for";
  const BEYOND = "beyond the lesson plan";
  return runChecks(
    [
      {
        group: BASICS,
        name: `${speak} becomes ${message} to every client, the sender included`,
        run: async () => {
          const clients = [await client(), await client(), await client()];
          const said = record(1, "created");
          clients[0].speak(said);
          const toAll = `io.emit("${message}", …)`;
          const not = (i: number) => (i === 0 ? "socket.broadcast.emit" : "socket.emit");
          const results = await hearing(clients, said, (i) => `${toAll}, not ${not(i)}`);
          if (results.every((result) => result.status === "rejected")) {
            // no one: the server's events have other names than the checker's, or its messages
            // carry what was said in another shape
            const named = "named otherwise? pass --speak and --message";
            const shaped = "pass it on as it came, or as { speech }";
            const hint = clients.some((c) => c.messages() > 0)
              ? `a ${message} came, but not with what was said: ${shaped}`
              : `socket.on("${speak}", …), then ${toAll}; ${named}`;
            throw new Failed(`a ${message} at any client`, clients[0].heard.got(), hint);
          }
          for (const result of results) if (result.status === "rejected") throw result.reason;
        },
      },
      {
        group: BASICS,
        name: "the payload arrives as sent, object or text",
        run: async () => {
          const [sender, other] = [await client(), await client()];
          const sent = [{ ...record(2, "updated"), at: "2026-01-01T00:00:00.000Z" }, text("plain")];
          for (const speech of sent) sender.speak(speech);
          const hint = `pass on what came in ${speak}, as it came`;
          const unchanged = "do not change what you pass on";
          for (const got of await heardBy([sender, other], text("plain"), hint)) {
            const last = withoutSentinels(got).slice(-2);
            const same = isDeepStrictEqual(last, sent);
            must(same, JSON.stringify(sent), JSON.stringify(last), unchanged);
          }
        },
      },
      {
        group: BASICS,
        name: "a client that joins later gets only what follows",
        run: async () => {
          const [early, witness] = [await client(), await client()];
          early.speak(text("before"));
          // no sentinels: a server that replays its last message to a newcomer must replay this one
          const hint = `pass on what came in ${speak}`;
          const waits = [early, witness].map((c) => c.until(text("before"), hint));
          await Promise.any(waits).catch((error: AggregateError) => {
            throw error.errors[0];
          });
          const late = await client();
          // the same words from both: late hears at least one, whoever the server sends to, and
          // anything older would have come first, on late's own connection
          for (const speaker of [late, early]) speaker.speak(text("after"));
          const heard = await late.until(text("after"), "a new client is one more in the pool");
          const before = withoutSentinels(heard);
          const only = JSON.stringify([text("after")]);
          must(before.length === 1, only, JSON.stringify(before), "replay nothing");
        },
      },
      {
        group: BEYOND,
        name: "a bad payload is refused with an answer to its sender, and passed on to no one",
        run: async () => {
          const [sender, other] = [await client(), await client()];
          const answer = await sender.ask(null);
          const refused =
            answer &&
            typeof answer === "object" &&
            ("error" in answer || ("ok" in answer && !answer.ok));
          const got = JSON.stringify(answer) ?? (sender.heard.ended || "no answer");
          const hint = "check what a speak carries, and say what is wrong";
          must(Boolean(refused), "an answer like { ok: false, error }", got, hint);
          sender.speak(text("after null"));
          const still = "pass on a good speak still";
          const refuse = "refuse it: pass it on to no one";
          for (const before of await heardBy([sender, other], text("after null"), still))
            must(!before.includes(null), "no message with null", JSON.stringify(before), refuse);
        },
      },
      {
        group: BEYOND,
        name: "an acknowledgement comes back",
        run: async () => {
          const sender = await client();
          const answer = await sender.ask(record(5, "deleted"));
          const hint = "call the callback, the last argument: ack({ ok: true })";
          const got = sender.heard.ended || `none in ${wait / 1000} s`;
          must(answer !== undefined, "an acknowledgement", got, hint);
        },
      },
    ],
    {
      print,
      closeClients: () => disconnectAll(open),
      wait,
    },
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await cli(() => checkSocketIo(socketIoSettings(process.argv.slice(2))));
}
