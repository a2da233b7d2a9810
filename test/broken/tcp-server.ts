// A TCP event server as a student might write one, for the checker's tests: it does all that the
// lesson asks, but for the one fault it is started with (startBrokenTcp("passes-everything")), or
// it does as TCP allows and a lesson server does not (crlf-in-pieces, keeps-one-half-open,
// ignores-unknown, drops-bad-utf8, greets-like-http), which is no fault.
import { isUtf8 } from "node:buffer";
import { once } from "node:events";
import { createServer, type AddressInfo, type Socket } from "node:net";

export type TcpFault =
  | "none"
  | "passes-everything"
  | "forgets-leavers"
  | "no-line-limit"
  | "passes-bad-utf8"
  | "keeps-slow-readers"
  | "no-line-buffer"
  | "refuses-cr"
  | "long-line-ends-all"
  | "slow-reader-ends-all"
  | "pool-of-two"
  | "stops-listening"
  | "drops-newcomers"
  | "crlf-in-pieces"
  | "ignores-unknown"
  | "drops-bad-utf8"
  | "keeps-one-half-open"
  | "greets-like-http";
const EVENTS = ["create", "update", "delete"];

export async function startBrokenTcp(fault: TcpFault, print: (line: string) => void = () => {}) {
  const pool = new Set<Socket>();
  // who goes with a client dropped for what it did: everyone, with the fault named
  const drop = (socket: Socket, ifFault: TcpFault) => (fault === ifFault ? [...pool] : [socket]);
  const send = (socket: Socket, text: string) => {
    if (fault !== "crlf-in-pieces") return write(socket, text);
    // no fault: lines that end in \r\n, each in two pieces a moment apart, as TCP may bring them;
    // what waits for its turn counts towards the bound, as what waits in the socket does
    const crlf = text.replaceAll("\n", "\r\n");
    const [half, bytes] = [Math.ceil(crlf.length / 2), Buffer.byteLength(crlf)];
    queued.set(socket, (queued.get(socket) ?? 0) + bytes);
    const before = pieces.get(socket) ?? Promise.resolve();
    const after = before.then(async () => {
      write(socket, crlf.slice(0, half));
      await new Promise((done) => setTimeout(done, 1));
      write(socket, crlf.slice(half));
      queued.set(socket, (queued.get(socket) ?? 0) - bytes);
    });
    pieces.set(socket, after);
    bound(socket);
  };
  const [pieces, queued] = [new Map<Socket, Promise<void>>(), new Map<Socket, number>()];
  const write = (socket: Socket, text: string) => {
    if (!socket.writable) return; // ended, or gone
    socket.write(text);
    bound(socket);
  };
  const bound = (socket: Socket) => {
    if (fault === "keeps-slow-readers") return; // the fault: what waits for a client has no bound
    if (socket.writableLength + (queued.get(socket) ?? 0) > 1024 * 1024)
      for (const client of drop(socket, "slow-reader-ends-all")) client.destroy();
  };
  // no fault, "keeps-one-half-open": the first client to speak, once it ends its side, is never
  // answered with the server's; every other client is, as Node does by itself
  let firstSpeaker: Socket | undefined;
  // the faults "stops-listening" and "drops-newcomers": once it has passed on the first check's
  // last line, no one connects, as if its listening socket had closed, or each newcomer is dropped
  let firstCheckDone = false;
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    if (fault === "drops-newcomers" && firstCheckDone) return void socket.destroy();
    socket.once("data", () => (firstSpeaker ??= socket));
    socket.on("end", () => {
      if (fault !== "keeps-one-half-open" || socket !== firstSpeaker) socket.end();
    });
    if (fault === "no-line-limit") socket.write("welcome\n"); // a greeting is no answer to a line
    if (fault === "greets-like-http") socket.write("HTTP/1.1 200 OK, says the server\n"); // no HTTP
    pool.add(socket);
    // the fault: a pool of the two latest, as if a chat had two ends
    if (fault === "pool-of-two" && pool.size > 2) pool.delete([...pool][0]);
    print(`${pool.size} in the pool`);
    if (fault === "forgets-leavers") {
      // the fault: a client stays in the pool, and its first error ends the server, as an
      // unhandled "error" would end its process
      socket.on("error", close);
    } else socket.on("close", () => pool.delete(socket)).on("error", () => {});
    let unfinished = ""; // bytes as latin1 characters, one each, until a line's end
    socket.on("data", (chunk: Buffer) => {
      const lines = (unfinished + chunk.toString("latin1")).split("\n");
      // the fault: each read taken as whole lines, and a line written in pieces as two
      unfinished = fault === "no-line-buffer" ? "" : (lines.pop() ?? "");
      if (unfinished.length > 64 * 1024 && fault !== "no-line-limit") {
        socket.removeAllListeners("data");
        for (const client of drop(socket, "long-line-ends-all"))
          client.end("error line too long\n");
        return;
      }
      // what a chunk's lines bring each client, in one write: a write per line made a flood slow
      const out = new Map<Socket, string>();
      const add = (to: Socket, text: string) => out.set(to, (out.get(to) ?? "") + text);
      for (const bytes of lines.map((line) => Buffer.from(line, "latin1"))) {
        if (!isUtf8(bytes) && fault !== "passes-bad-utf8") {
          // no fault, "drops-bad-utf8": its client dropped, and the rest of what it sent with it
          if (fault === "drops-bad-utf8") {
            socket.destroy();
            break;
          }
          add(socket, "error line is not UTF-8\n");
          continue;
        }
        const line = bytes.toString().replace(/\r$/, "");
        const event = line.split(" ")[0];
        if (!line) continue;
        // the fault: a line read with a pattern whose "." stops at the \r of a \r\n
        if (fault === "refuses-cr" && !/^\S+ .*$/.test(bytes.toString())) {
          add(socket, "error a line is an event and its data\n");
          continue;
        }
        if (!EVENTS.includes(event) && fault !== "passes-everything") {
          // no fault, "ignores-unknown": no answer, as in the lesson's first steps
          if (fault !== "ignores-unknown")
            add(socket, `error unknown event "${event}": this server passes on ${EVENTS}\n`);
          continue;
        }
        for (const client of pool) add(client, `${line}\n`);
        firstCheckDone ||= line.includes('"check":"1 after"');
        if (fault === "stops-listening" && firstCheckDone && server.listening) server.close();
      }
      for (const [client, text] of out) send(client, text);
    });
  });
  function close() {
    for (const socket of pool) socket.destroy();
    server.close();
  }
  server.listen(0);
  await once(server, "listening");
  return { port: (server.address() as AddressInfo).port, close };
}
