import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createServer, type Socket } from "node:net";
import { pathToFileURL } from "node:url";
import { commentary } from "../classroom/commentary.ts";
import type { Options } from "../classroom/settings.ts";
import { log, runServer } from "../classroom/terminal.ts";
import { lineReader } from "./lines.ts";

const EVENTS = ["create", "update", "delete"]; // the only events this server passes on
const KNOWN = EVENTS.join(", ");
const MAX_UNSENT = 1024 * 1024; // bytes: a client that stops reading is dropped, not kept

export async function startServer({ port = 4000, host, print = log }: Options = {}) {
  const pool = new Map<string, Socket>();
  const say = commentary(print, () => pool.size);
  // noDelay: a lone event leaves at once; broadcast() batches them when many arrive
  const server = createServer({ noDelay: true }, (socket) => {
    const id = randomBytes(3).toString("hex");
    pool.set(id, socket);
    say.line(`${id} connected (${pool.size} in the pool)`);
    socket.on("close", () => {
      pool.delete(id);
      say.line(`${id} disconnected (${pool.size} in the pool)`);
    });
    socket.on("error", ({ code }: NodeJS.ErrnoException) => say.line(`${id} ${code}`));
    const read = lineReader();
    socket.on("data", (chunk: Buffer) => {
      const heard: string[] = [];
      const passOn = () => heard.length > 0 && broadcast(heard.splice(0));
      for (const line of read(chunk)) {
        if ("text" in line && EVENTS.includes(line.event)) {
          heard.push(line.text);
          say.event(`${line.event} from ${id}`, line.text.slice(line.event.length + 1));
          continue;
        }
        passOn(); // what came before the bad line goes first: order per connection holds
        if ("text" in line) {
          send(id, socket, `error unknown event "${line.event}": this server passes on ${KNOWN}\n`);
          say.refused(`${id} sent unknown event "${line.event}": not passed on`);
        } else if (line.fatal) {
          return drop(id, socket.removeAllListeners("data"), line.error);
        } else {
          send(id, socket, `error ${line.error}: not passed on\n`);
          say.refused(`${id} sent a bad line: ${line.error}`);
        }
      }
      passOn();
    });
  });
  // The lines of one read go to each socket as one write: a system call per client, not per line.
  const broadcast = (lines: string[]) => {
    const bytes = Buffer.from(lines.join("\n") + "\n"); // encoded once, not once per client
    for (const [id, socket] of pool) send(id, socket, bytes);
  };
  // Every write to a client (but one told goodbye): past 1 MiB unread, it is dropped at once.
  // Dropped: out of the pool, told why, and gone within a second if it does not hang up itself.
  function send(id: string, socket: Socket, bytes: string | Buffer) {
    if (!socket.writable || socket.write(bytes) || socket.writableLength <= MAX_UNSENT) return;
    drop(id, socket, "it stopped reading (over 1 MiB unsent)").destroy(); // it reads no goodbye
  }
  function drop(id: string, socket: Socket, why: string) {
    pool.delete(id);
    say.droppedClient(`${id} dropped: ${why}`);
    setTimeout(() => socket.destroy(), 1000).unref();
    return socket.end(`error ${why}: disconnecting\n`);
  }
  const close = async () => {
    say.stop();
    for (const socket of pool.values()) socket.destroy(); // server.close() would wait for them
    await new Promise((done) => server.close(done)); // done, with an error if it never listened
  };
  server.listen(port, host);
  await once(server, "listening").catch((error) => close().then(() => Promise.reject(error)));
  return { port: (server.address() as { port: number }).port, pool, close };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await runServer(startServer, "tcp:server");
}
