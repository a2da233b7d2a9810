import { createServer } from "node:http";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { Server } from "socket.io";
import { serveAdminUi } from "./admin.ts";
import { commentary, DEFAULT_PORT, explainListenError, fail, listening, log, originAllowed, settings, stopOnSignal } from "./terminal.ts";

export const CHANGES = ["created", "updated", "deleted"] as const;
export interface Note { id: number; change: (typeof CHANGES)[number]; at?: string }
export type Speech = string | Note; // text, as the browser tool sends it, or a record, as the app sends it
export type Receipt = { ok: true; heardBy: number } | { ok: false; error: string };
export interface ClientToServerEvents {
  speak: (speech: Speech, ack?: (receipt: Receipt) => void) => void;
}
export interface ServerToClientEvents {
  message: (message: { from: string; speech: Speech }) => void; // to everyone
  welcome: (welcome: { id: string; clients: number }) => void; // to one client, as it connects
  receipt: (receipt: Receipt) => void; // to the speaker, when it gave no acknowledgement callback
}

const MAX_SPEECH_BYTES = 10_000; // well under Socket.IO's 1 MB, past which it drops the connection without a word

export async function startServer({ port = DEFAULT_PORT, host = undefined as string | undefined, print = log } = {}) {
  const http = createServer();
  const allowed = originAllowed();
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(http, {
    cors: { origin: (origin, callback) => callback(null, allowed(origin)) },
    allowRequest: (request, callback) => callback(null, allowed(request.headers.origin, request.headers.host)), // WebSockets skip CORS
  });

  const clients = () => io.sockets.sockets.size;
  const say = commentary(print, clients);
  io.on("connection", (socket) => {
    say.note(`${socket.id} connected (${clients()} in the pool)`);
    socket.emit("welcome", { id: socket.id, clients: clients() });
    socket.on("disconnect", (reason) => say.note(`${socket.id} disconnected: ${reason} (${clients()} in the pool)`));

    socket.on("speak", (speech: unknown, ack?: unknown) => {
      if (typeof speech === "function") [speech, ack] = [undefined, speech]; // a callback and nothing to say
      const reply = (receipt: Receipt) => (typeof ack === "function" ? ack(receipt) : socket.emit("receipt", receipt));
      const problem = checkSpeech(speech);
      if (problem) {
        say.dropped(`${socket.id} speak refused: ${problem}`);
        return reply({ ok: false, error: problem });
      }
      say.event(`speak from ${socket.id}`, speech);
      io.emit("message", { from: socket.id, speech: speech as Speech });
      reply({ ok: true, heardBy: clients() });
    });
  });

  http.listen(port, host);
  await once(http, "listening").catch(async (error) => {
    say.stop(); // a server that could not listen leaves nothing running behind it
    await io.close();
    throw error;
  });
  const bound = (http.address() as AddressInfo).port;
  const admin = serveAdminUi(io, http, bound);
  const close = async () => {
    say.stop();
    const closed = io.close();
    http.closeAllConnections(); // a browser's keep-alive connection (the Admin UI's) would hold the port open
    await closed;
  };
  return { port: bound, admin, io, close };
}

function checkSpeech(speech: unknown): string | undefined {
  if (typeof speech === "string" ? !speech.trim() : !isNote(speech)) {
    return `speak takes text or a record like {"id":1,"change":"created"}, not ${describe(speech)}`;
  }
  const size = Buffer.byteLength(JSON.stringify(speech));
  if (size > MAX_SPEECH_BYTES) return `speak is too big: ${size} bytes, at most ${MAX_SPEECH_BYTES}`;
}

const isNote = (value: unknown): value is Note =>
  typeof (value as Note)?.id === "number" && CHANGES.includes((value as Note).change) && !Array.isArray(value);

const describe = (value: unknown) =>
  value === undefined ? "nothing" : typeof value === "string" ? "empty text"
  : value === null ? "null" : Array.isArray(value) ? "an array"
  : typeof value === "object" ? "an object without a number id and a change" : `a ${typeof value}`;

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { port, host } = settings();
  const server = await startServer({ port, host }).catch((error) => fail(explainListenError(error, port)));
  log(listening(server.port, host, "socketio:logger", server.admin));
  stopOnSignal(server.close);
}
