// A TCP event server as a student might write one, for the checker's tests: it does all that the
// lesson asks, but for the one fault named on its command line (tcp-server.ts passes-everything).
import { isUtf8 } from "node:buffer";
import { createServer, type Socket } from "node:net";

const fault = process.argv[2];
const EVENTS = ["create", "update", "delete"];
const pool = new Set<Socket>();

function send(socket: Socket, text: string) {
  if (!socket.writable) return; // ended, or gone
  socket.write(text);
  if (fault === "keeps-slow-readers") return; // the fault: what waits for a client has no bound
  if (socket.writableLength > 1024 * 1024) socket.destroy();
}

const server = createServer((socket) => {
  if (fault === "no-line-limit") socket.write("welcome\n"); // a greeting is no answer to a line
  pool.add(socket);
  console.log(`${pool.size} in the pool`);
  if (fault !== "forgets-leavers") {
    // the fault: a client stays in the pool, and its first error stops the server
    socket.on("close", () => pool.delete(socket)).on("error", () => {});
  }
  let unfinished = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    const lines = Buffer.concat([unfinished, chunk]).toString("latin1").split("\n");
    unfinished = Buffer.from(lines.pop() ?? "", "latin1");
    if (unfinished.length > 64 * 1024 && fault !== "no-line-limit")
      return void socket.removeAllListeners("data").end("error line too long\n");
    for (const bytes of lines.map((line) => Buffer.from(line, "latin1"))) {
      if (!isUtf8(bytes) && fault !== "passes-bad-utf8") {
        send(socket, "error line is not UTF-8\n");
        continue;
      }
      const line = bytes.toString().replace(/\r$/, "");
      const event = line.split(" ")[0];
      if (!line) continue;
      if (!EVENTS.includes(event) && fault !== "passes-everything") {
        send(socket, `error unknown event "${event}": this server passes on ${EVENTS}\n`);
        continue;
      }
      for (const client of pool) send(client, `${line}\n`);
    }
  });
});
server.listen(0, () =>
  console.log(`listening on port ${(server.address() as { port: number }).port}`),
);
