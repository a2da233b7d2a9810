import { createServer } from "node:http";
import { pathToFileURL } from "node:url";
import { Server, type Socket } from "socket.io";
import { commentary, type Commentary } from "../classroom/commentary.ts";
import type { Options } from "../classroom/settings.ts";
import { listen, replyTo, whoMayConnect } from "../classroom/socketio-server.ts";
import { log, runServer } from "../classroom/terminal.ts";

export const CHANGES = ["created", "updated", "deleted"] as const;
export type Note = { id: number; change: (typeof CHANGES)[number]; at?: string };
export type Speech = string | Note; // text, as a browser tool sends it, or a record
export type Message = { from: string; speech: Speech };
export type Receipt = { ok: true; heardBy: number } | { ok: false; error: string };
export type Ack = (receipt: Receipt) => void;
export type Send = (message: Message) => number; // hands a message on, and says to how many clients
export type ClientToServerEvents = { speak: (speech: Speech, ack?: Ack) => void };
export type ServerToClientEvents = {
  message: (message: Message) => void; // to everyone
  welcome: (welcome: { id: string; clients: number }) => void; // to one client, as it connects
  receipt: (receipt: Receipt) => void; // to the speaker, when it gave no acknowledgement callback
};

const MAX_SPEECH_BYTES = 10_000; // far below Socket.IO's 1 MB, which drops a client

export async function startServer({ port = 3000, print = log, ...settings }: Options = {}) {
  const http = createServer();
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(http, whoMayConnect(settings));
  const clients = () => io.sockets.sockets.size;
  const say = commentary(print, clients);

  io.on("connection", (socket) => {
    const pool = () => `(${clients()} in the pool)`;
    say.note(`${socket.id} connected ${pool()}`);
    socket.emit("welcome", { id: socket.id, clients: clients() }); // directed: this client only
    socket.on("disconnect", (why) => say.note(`${socket.id} disconnected: ${why} ${pool()}`));
    const toEveryone: Send = (message) => {
      io.emit("message", message); // to everyone, the speaker included
      return clients();
    };
    socket.on("speak", passOn(socket, "speak", say, toEveryone));
  });

  const page = new URL("page.html", import.meta.url); // a browser is a client too
  return listen({ http, io, say, page }, { port, ...settings });
}

// Checks what an event carries, hands it on with send(), and answers the sender with a receipt.
export function passOn(socket: Socket, event: string, say: Commentary, send: Send, where = "") {
  return (...args: unknown[]) => {
    const reply = replyTo<Receipt>(socket, args);
    const [speech] = args; // a callback alone is no speech: it is refused as one
    const problem = checkSpeech(event, speech);
    if (problem) {
      say.dropped(`${where}${socket.id} ${event} refused: ${problem}`);
      return reply({ ok: false, error: problem });
    }
    say.event(`${where}${event} from ${socket.id}`, speech);
    reply({ ok: true, heardBy: send({ from: socket.id, speech: speech as Speech }) });
  };
}

function checkSpeech(event: string, speech: unknown) {
  const note = speech as Note;
  const isNote =
    typeof note?.id === "number" && CHANGES.includes(note.change) && !Array.isArray(note);
  if (typeof speech === "string" ? !speech.trim() : !isNote) {
    const shown = JSON.stringify(speech)?.slice(0, 40) ?? "nothing";
    return `${event} takes text or a record like {"id":1,"change":"created"}, not ${shown}`;
  }
  const size = Buffer.byteLength(JSON.stringify(speech));
  if (size > MAX_SPEECH_BYTES)
    return `${event} is too big: ${size} bytes, at most ${MAX_SPEECH_BYTES}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await runServer(startServer, "socketio:server");
}
