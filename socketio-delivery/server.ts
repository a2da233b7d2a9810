import { createServer } from "node:http";
import { pathToFileURL } from "node:url";
import { createAdapter } from "@socket.io/redis-streams-adapter";
import { Server } from "socket.io";
import { commentary } from "../classroom/commentary.ts";
import { closeRestoreGap, keepSessions } from "../classroom/sessions.ts";
import type { Options } from "../classroom/settings.ts";
import { listen, replyTo, whoMayConnect } from "../classroom/socketio-server.ts";
import { log, runServer } from "../classroom/terminal.ts";
import { AWAY_MS, checkSpeech, recordKey, type ClientToServerEvents } from "./events.ts";
import type { Receipt, ServerToClientEvents } from "./events.ts";

const REMEMBERED = 10_000; // records whose retries are recognised: a retry comes within seconds
const MISSED = // what a client that comes back to no session is told
  `no session to recover (away over ${AWAY_MS / 1000} s, a killed server, or nothing heard ` +
  "yet): what was sent meanwhile is lost";

export async function startServer({ port = 3000, print = log, ...settings }: Options = {}) {
  const sessions = await keepSessions(settings, AWAY_MS, print); // in Redis, or in this process
  const http = createServer();
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(http, {
    // a client back within AWAY_MS gets what it missed, and keeps its id and its rooms
    connectionStateRecovery: { maxDisconnectionDuration: AWAY_MS },
    // in Redis streams, the sessions and what was sent outlive this process: see close() below
    adapter: sessions.redis && createAdapter(sessions.redis),
    ...whoMayConnect(settings),
  });
  if (sessions.redis) closeRestoreGap(io.sockets.adapter); // classroom/sessions.ts says why
  const clients = () => io.sockets.sockets.size;
  const say = commentary(print, clients);
  const passedOn = new Set<string>(); // records, by id and time: a retry is not passed on twice

  io.on("connection", (socket) => {
    const pool = () => `(${clients()} in the pool)`;
    // a client that had a session sends its id: if it is not recovered, that session is gone
    const missed = !socket.recovered && socket.handshake.auth.pid ? MISSED : undefined;
    if (socket.recovered) say.line(`${socket.id} recovered: sent what it missed ${pool()}`);
    else say.line(`${socket.id} connected ${pool()}${missed ? ": its session is gone" : ""}`);
    socket.emit("welcome", { id: socket.id, clients: clients(), missed }); // directed: not kept
    socket.on("disconnect", (why) => say.line(`${socket.id} disconnected: ${why} ${pool()}`));
    socket.on("speak", (speech, ack) => {
      const reply = replyTo<Receipt>(socket, [speech, ack]); // the callback, or a receipt event
      const problem = checkSpeech("speak", speech); // events.ts: the rule both sides share
      if (problem) {
        say.refused(`${socket.id} speak refused: ${problem}`);
        return reply({ ok: false, error: problem });
      }
      const record = recordKey(speech);
      if (record && passedOn.has(record)) {
        say.refused(`${socket.id} speak ${JSON.stringify(speech)} again: a retry, not passed on`);
        return reply({ ok: true, duplicate: true });
      }
      if (record) passedOn.add(record);
      if (passedOn.size > REMEMBERED) passedOn.delete(passedOn.keys().next().value!); // the oldest
      say.event(`speak from ${socket.id}`, speech);
      io.emit("message", { from: socket.id, speech }); // kept for recovery: a broadcast, no ack
      reply({ ok: true, heardBy: clients() });
    });
  });

  // close(), on Ctrl-C or a save's SIGTERM, disconnects every client: each session is saved then
  return listen({ http, io, say, onClose: sessions.close }, { port, ...settings });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await runServer(startServer, "delivery:server");
}
