// npm run check:tcp -- --port 4000 [--host H]: holds any TCP event server, in any language, to the
// lesson, over the wire.
import { connect, type Socket } from "node:net";
import { Failed, flags, nothingThere, runChecks, settle } from "./report.ts";

const USAGE = `usage: npm run check:tcp -- --port 4000 [--host localhost]
  [--events create,update,delete] [--unknown read]
Checks the TCP lesson's behaviours against any event server that speaks lines: "event data\\n".`;
const options = flags(USAGE, {
  port: { type: "string", default: "4000" },
  host: { type: "string", default: "localhost" },
  events: { type: "string", default: "create,update,delete" },
  unknown: { type: "string", default: "read" },
});
const [port, host] = [Number(options.port), options.host];
const [first, second, third] = options.events.split(",");
const sockets = new Set<Socket>();
const START = "start your server, or pass --port and --host";

// A client that keeps every line it hears (without a trailing \r), as nc would show it.
async function client() {
  const socket = connect({ port, host });
  sockets.add(socket);
  await new Promise<void>((done) => socket.once("connect", done).once("error", () => done()));
  socket.on("error", () => {});
  const lines: string[] = [];
  let unfinished = "";
  socket.setEncoding("utf8").on("data", (text: string) => {
    const parts = (unfinished + text).split("\n");
    unfinished = parts.pop() ?? "";
    lines.push(...parts.map((line) => line.replace(/\r$/, "")));
  });
  const until = (line: string, hint: string) =>
    new Promise<string[]>((resolve, reject) => {
      const check = () =>
        lines.includes(line) ? resolve(lines.slice(0, lines.indexOf(line) + 1)) : undefined;
      check();
      socket.on("data", check);
      setTimeout(() => reject(new Failed(`"${line}"`, heard(lines), hint)), 3000).unref();
    });
  return { socket, lines, until, send: (data: string | Buffer) => socket.write(data) };
}
const heard = (lines: string[]) => (lines.length ? JSON.stringify(lines.slice(-3)) : "nothing");

const probe = connect({ port, host });
await new Promise<void>((done) =>
  probe
    .once("connect", done)
    .once("error", (error: NodeJS.ErrnoException) =>
      nothingThere(`nothing listens on ${host}:${port} (${error.code}): ${START}`),
    ),
);
probe.destroy();

const BASICS = "basics: what the lesson plan asks for";
const BEYOND = "beyond the lesson plan";
const code = await runChecks(
  [
    {
      group: BASICS,
      name: `a recognised event (${first}) reaches every client, the sender included`,
      run: async () => {
        const clients = [await client(), await client(), await client()];
        await settle();
        clients[0].send(`${first} {"check":1}\n`);
        for (const c of clients)
          await c.until(`${first} {"check":1}`, "send each event to every socket in the pool");
      },
    },
    {
      group: BASICS,
      name: `an unrecognised event (${options.unknown}) reaches no one`,
      run: async () => {
        const [sender, other] = [await client(), await client()];
        await settle();
        sender.send(`${options.unknown} {"check":2}\n${first} sentinel-2\n`); // a sentinel after
        for (const c of [other, sender]) {
          const before = await c.until(`${first} sentinel-2`, "pass on the events you recognise");
          if (before.includes(`${options.unknown} {"check":2}`)) {
            throw new Failed(
              `no "${options.unknown}" line`,
              heard(before),
              `pass on only ${options.events}`,
            );
          }
        }
      },
    },
    {
      group: BASICS,
      name: "after a client leaves, events still reach the rest",
      run: async () => {
        const [sender, other, leaving] = [await client(), await client(), await client()];
        await settle();
        leaving.socket.resetAndDestroy(); // abruptly, as a laptop that shuts its lid
        for (const n of [1, 2]) {
          sender.send(`${second} {"check":3,"n":${n}}\n`);
          await other.until(
            `${second} {"check":3,"n":${n}}`,
            "remove a client from the pool when it closes, and handle its errors",
          );
        }
      },
    },
    {
      group: BEYOND,
      name: "two lines in one write are two events, and a line written in pieces is one",
      run: async () => {
        const [sender, other] = [await client(), await client()];
        await settle();
        sender.socket.setNoDelay(true);
        sender.send(`${first} two-a\n${second} two-b\n`);
        for (const line of [`${first} two-a`, `${second} two-b`]) {
          await other.until(line, "TCP is a stream: split what you read at each \\n");
        }
        sender.send(third.slice(0, 2));
        await new Promise((done) => setTimeout(done, 100)); // the rest of the line comes later
        sender.send(`${third.slice(2)} in-pieces\n`);
        await other.until(`${third} in-pieces`, "keep an unfinished line until its \\n arrives");
      },
    },
    {
      group: BEYOND,
      name: "a line may end in \\r\\n, as nc and telnet send it",
      run: async () => {
        const [sender, other] = [await client(), await client()];
        await settle();
        sender.send(`${first}\r\n`);
        await other.until(
          first,
          `drop a \\r before the \\n, or "${first}\\r" is no event you know`,
        );
      },
    },
    {
      group: BEYOND,
      name: "an endless line, bad UTF-8, a client that stops reading: none stops the others",
      run: async () => {
        const [sender, other] = [await client(), await client()];
        await settle();
        (await client()).send(`${first} ${"x".repeat(100 * 1024)}`); // and no end of line
        (await client()).send(Buffer.from([0x63, 0xff, 0xfe, 0x0a]));
        (await client()).socket.pause(); // it never reads again
        await settle();
        const line = `${first} ${"y".repeat(60 * 1024)}\n`;
        for (let i = 0; i < 40; i++) sender.send(line); // 2.4 MiB, for the one that does not read
        sender.send(`${second} sentinel-6\n`);
        await other.until(
          `${second} sentinel-6`,
          "limit a line's length, and drop a client that stops reading",
        );
      },
    },
  ],
  ["after a client leaves, events still reach the rest"],
);
for (const socket of sockets) socket.destroy();
process.exit(code);
