import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createServer, type Socket } from "node:net";
import { pathToFileURL } from "node:url";
import { lineReader } from "./lines.ts";
import { commentary, DEFAULT_PORT, explainListenError, fail, listening, log, settings, stopOnSignal } from "./terminal.ts";

export const EVENTS = ["create", "update", "delete"]; // the only events this server passes on
const MAX_UNSENT_BYTES = 1024 * 1024; // a client that stops reading is dropped before it costs more

export async function startServer({ port = DEFAULT_PORT, host = undefined as string | undefined, print = log } = {}) {
  const pool = new Map<string, Socket>();
  const say = commentary(print, () => pool.size);

  const server = createServer((socket) => {
    socket.setNoDelay(true); // a lone event leaves at once; the batching below keeps throughput when many arrive
    const id = randomBytes(3).toString("hex");
    pool.set(id, socket);
    say.note(`${id} connected (${pool.size} in the pool)`);
    socket.on("close", () => {
      pool.delete(id);
      say.note(`${id} disconnected (${pool.size} in the pool)`);
    });
    socket.on("error", (error: NodeJS.ErrnoException) => say.note(`${id} ${error.code ?? error.message}`));

    const read = lineReader();
    socket.on("data", (chunk: Buffer) => {
      let heard = "";
      const passOn = () => {
        if (heard) broadcast(heard);
        heard = "";
      };
      for (const line of read(chunk)) {
        const event = "text" in line ? line.text.split(" ", 1)[0] : "";
        if ("text" in line && EVENTS.includes(event)) {
          heard += line.text + "\n";
          say.event(`${event} from ${id}`, line.text.slice(event.length + 1));
          continue;
        }
        passOn(); // what came before the bad line goes first: order per connection holds for the sender too
        if ("text" in line) {
          socket.write(`error unknown event "${event}": this server passes on ${EVENTS.join(", ")}\n`);
          say.dropped(`${id} sent unknown event "${event}": not passed on`);
        } else if (line.fatal) {
          say.dropClient(`${id} dropped: ${line.error}`);
          socket.removeAllListeners("data");
          return socket.end(`error ${line.error}: disconnecting\n`);
        } else {
          socket.write(`error ${line.error}: not passed on\n`);
          say.dropped(`${id} sent a bad line: ${line.error}`);
        }
      }
      passOn();
    });
  });

  // All the lines of one read go to each socket as one write: one system call per client, not per line.
  function broadcast(lines: string) {
    const bytes = Buffer.from(lines); // encoded once, not once per client
    for (const [id, socket] of pool) {
      if (!socket.writable) continue;
      socket.write(bytes);
      if (socket.writableLength > MAX_UNSENT_BYTES) {
        say.dropClient(`${id} dropped: it stopped reading (over 1 MiB unsent)`);
        socket.destroy();
      }
    }
  }

  server.listen(port, host);
  await once(server, "listening").catch((error) => {
    say.stop(); // a server that could not listen leaves nothing running behind it
    throw error;
  });
  return {
    port: (server.address() as { port: number }).port,
    pool,
    close: async () => {
      say.stop();
      for (const socket of pool.values()) socket.destroy();
      if (server.listening) await new Promise((done) => server.close(done));
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { port, host } = settings();
  const server = await startServer({ port, host }).catch((error) => fail(explainListenError(error, port)));
  log(listening(server.port, host, "tcp:logger"));
  stopOnSignal(server.close);
}
