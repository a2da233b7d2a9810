import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createServer, type Socket } from "node:net";
import { pathToFileURL } from "node:url";
import { commentary } from "../classroom/commentary.ts";
import type { Options } from "../classroom/settings.ts";
import { log, runServer } from "../classroom/terminal.ts";
import { lineReader } from "./lines.ts";

export const EVENTS = ["create", "update", "delete"]; // the only events this server passes on
const PASSED_ON = EVENTS.join(", ");
const MAX_UNSENT_BYTES = 1024 * 1024; // a client that stops reading is dropped before it costs more

export async function startServer({ port = 4000, host, print = log }: Options = {}) {
  const pool = new Map<string, Socket>();
  const say = commentary(print, () => pool.size);
  // noDelay: a lone event leaves at once; broadcast() batches them when many arrive
  const server = createServer({ noDelay: true }, (socket) => {
    const id = randomBytes(3).toString("hex");
    pool.set(id, socket);
    say.note(`${id} connected (${pool.size} in the pool)`);
    socket.on("close", () => {
      pool.delete(id);
      say.note(`${id} disconnected (${pool.size} in the pool)`);
    });
    socket.on("error", ({ code }: NodeJS.ErrnoException) => say.note(`${id} ${code}`));
    const read = lineReader();
    socket.on("data", (chunk: Buffer) => {
      const heard: string[] = [];
      const passOn = () => heard.length > 0 && broadcast(heard.splice(0));
      for (const line of read(chunk)) {
        const event = "text" in line ? line.text.split(" ", 1)[0] : "";
        if ("text" in line && EVENTS.includes(event)) {
          heard.push(line.text);
          say.event(`${event} from ${id}`, line.text.slice(event.length + 1));
          continue;
        }
        passOn(); // what came before the bad line goes first: order per connection holds
        if ("text" in line) {
          send(id, socket, `error unknown event "${event}": this server passes on ${PASSED_ON}\n`);
          say.dropped(`${id} sent unknown event "${event}": not passed on`);
        } else if (line.fatal) {
          say.dropClient(`${id} dropped: ${line.error}`);
          return socket.removeAllListeners("data").end(`error ${line.error}: disconnecting\n`);
        } else {
          send(id, socket, `error ${line.error}: not passed on\n`);
          say.dropped(`${id} sent a bad line: ${line.error}`);
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
  // Every write to a client: one that stops reading is dropped before it costs the server more.
  function send(id: string, socket: Socket, bytes: string | Buffer) {
    if (!socket.writable) return; // told goodbye, or hung up: its "close" is on its way
    if (socket.write(bytes) || socket.writableLength <= MAX_UNSENT_BYTES) return;
    pool.delete(id); // at once: no later write counts on it
    say.dropClient(`${id} dropped: it stopped reading (over 1 MiB unsent)`);
    socket.destroy();
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
