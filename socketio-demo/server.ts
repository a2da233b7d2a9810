import { createServer } from "node:http";
import { pathToFileURL } from "node:url";
import { Server } from "socket.io";
import { commentary } from "../classroom/commentary.ts";
import type { Options } from "../classroom/settings.ts";
import { listen, replyTo, whoMayConnect } from "../classroom/socketio-server.ts";
import { log, runServer } from "../classroom/terminal.ts";
import { checkSpeech, KINDS, type Receipt } from "./events.ts";
import type { StoreClientToServerEvents, StoreServerToClientEvents } from "./events.ts";

export async function startServer({ port = 3000, print = log, ...settings }: Options = {}) {
  const http = createServer();
  const io = new Server<StoreClientToServerEvents, StoreServerToClientEvents>(
    http,
    whoMayConnect(settings),
  );
  const clients = () => io.sockets.sockets.size;
  const say = commentary(print, clients);

  io.on("connection", (socket) => {
    const pool = () => `(${clients()} in the pool)`;
    say.line(`${socket.id} connected ${pool()}`);
    socket.emit("welcome", { id: socket.id, clients: clients() }); // directed: this client only
    socket.on("disconnect", (why) => say.line(`${socket.id} disconnected: ${why} ${pool()}`));
    socket.on("speak", (speech, ack) => {
      const reply = replyTo<Receipt>(socket, [speech, ack]); // the callback, or a receipt event
      const problem = checkSpeech("speak", speech); // events.ts: the rule both sides share
      if (problem) {
        say.refused(`${socket.id} speak refused: ${problem}`); // one line in the log
        return reply({ ok: false, error: problem }); // and one to the sender
      }
      say.event(`speak from ${socket.id}`, speech);
      io.emit("message", { from: socket.id, speech }); // to everyone, the speaker included
      reply({ ok: true, heardBy: clients() });
    });
    // The busy store: each kind is checked as a speak is, and goes out as itself, to everyone
    for (const kind of KINDS) {
      socket.on(kind, (speech, ack) => {
        const reply = replyTo<Receipt>(socket, [speech, ack]);
        const problem = checkSpeech(kind, speech);
        if (problem) {
          say.refused(`${socket.id} ${kind} refused: ${problem}`);
          return reply({ ok: false, error: problem });
        }
        say.event(`${kind} from ${socket.id}`, speech);
        io.emit(kind, { from: socket.id, speech }); // every app gets it, cares or not
        reply({ ok: true, heardBy: clients() });
      });
    }
  });

  const page = new URL("page/index.html", import.meta.url); // a browser is a client too
  return listen({ http, io, say, page }, { port, ...settings });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await runServer(startServer, "socketio:server");
}
