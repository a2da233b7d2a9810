// What both Socket.IO lesson servers need around the lesson: who may connect, the Admin UI,
// listening, and a close that leaves nothing running.
import { once } from "node:events";
import { readFile } from "node:fs/promises";
import type { IncomingMessage, Server as HttpServer, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Server, Socket } from "socket.io";
import type { Socket as EngineSocket } from "engine.io";
import { serveAdminUi } from "./admin-ui.ts";
import type { Commentary } from "./commentary.ts";
import type { Settings } from "./settings.ts";
import { thisMachine } from "./who-may-connect.ts";
import { checkSpeech, type Message, type Receipt, type Speech } from "../socketio-demo/events.ts";

export { whoMayConnect } from "./who-may-connect.ts";

// A reply goes through the sender's callback if it gave one, else as a receipt event, to it
// alone: a client with no callbacks, such as a browser tool, still hears it.
export function replyTo<Receipt>(socket: Socket, args: unknown[]) {
  const ack = args.findLast((arg) => typeof arg === "function"); // a callback alone, or after data
  if (typeof ack === "function") return ack as (receipt: Receipt) => void;
  return (receipt: Receipt) => void socket.emit("receipt", receipt);
}

// An event the namespace does not take gets its sender an error, and the server's log a line.
export function refuseOthers(socket: Socket, takes: string[], say: Commentary) {
  socket.onAny((event: string, ...args: unknown[]) => {
    if (takes.includes(event)) return;
    const error = `${socket.nsp.name} has no "${event}" event; it takes ${takes.join(", ")}`;
    say.refused(`${socket.nsp.name} ${socket.id} ${event} refused: ${error}`);
    replyTo(socket, args)({ ok: false, error });
  });
}

// The first pass's handling of a speak, for any event of a later lesson that carries one: checked
// as a speak is, logged, handed on with send(), and answered with a receipt.
export function passOn(socket: Socket, event: string, say: Commentary, send: Send) {
  return (...args: unknown[]) => {
    const reply = replyTo<Receipt>(socket, args);
    const [speech] = args; // a callback alone is no speech: it is refused as one
    const problem = checkSpeech(event, speech);
    const where = `${socket.nsp.name} `;
    if (problem) {
      say.refused(`${where}${socket.id} ${event} refused: ${problem}`);
      return reply({ ok: false, error: problem });
    }
    say.event(`${where}${event} from ${socket.id}`, speech);
    reply({ ok: true, heardBy: send({ from: socket.id, speech: speech as Speech }) });
  };
}
type Send = (message: Message) => number; // hands a message on, and says to how many it went

export interface ClassroomServer {
  http: HttpServer;
  io: Server;
  say: Commentary;
  page?: URL; // the lesson page's index.html, served at /, with the files of PAGE_TYPES beside it
  onClose?: () => Promise<unknown>;
}

// Listens, serves the Admin UI, and returns what a caller needs to watch and stop the server.
export async function listen(
  { http, io, say, page, onClose }: ClassroomServer,
  { port, host, ...settings }: Partial<Settings>,
) {
  let closing: Promise<void> | undefined; // a second close() waits for the first
  const close = () =>
    (closing ??= (async () => {
      say.stop();
      const closed = io.close();
      http.closeAllConnections(); // a browser's keep-alive (the Admin UI's) holds the port
      await closed;
      await onClose?.();
    })());
  http.listen(port, host);
  await once(http, "listening").catch(async (error) => {
    await close(); // a server that could not listen leaves nothing running behind it
    throw error;
  });
  const bound = (http.address() as AddressInfo).port;
  dropWhoStopsReading(io, say);
  const admin = serveAdminUi(io, bound, settings);
  dropWhoBreaksTheProtocol(io, say); // on every namespace, the Admin UI's too
  const ours = thisMachine(host);
  http.on("request", (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? "/").split("?")[0];
    if (path.startsWith("/socket.io/")) return; // Socket.IO answers those, and checks them itself
    const text = (status: number, line: string) =>
      response.writeHead(status, { "content-type": "text/plain" }).end(`${line}\n`);
    if (!ours(request.headers.host)) {
      return text(403, "This lesson server answers to this machine's own names only.");
    }
    if (admin?.serve(path, request, response)) return;
    // every browser asks for it unasked, and a 404 would be an error in its console
    if (path === "/favicon.ico") return void response.writeHead(204).end();
    if (page && Object.hasOwn(PAGE_TYPES, path)) return void sendPage(page, path, response);
    const orAdmin = admin ? ", or open /admin/" : "";
    text(404, `This is a Socket.IO lesson server: connect a Socket.IO client${orAdmin}.`);
  });
  return { port: bound, admin: admin?.line, io, close };
}

// A client that stops reading is dropped before 1 MiB waits for it, as on TCP: Socket.IO would
// keep all that is sent to it, for as long as it answers pings.
const MAX_UNSENT = 1024 * 1024;
function dropWhoStopsReading(io: Server, say: Commentary) {
  io.engine.on("connection", (connection: EngineSocket) => {
    let unsent = 0; // what waits in Socket.IO's own buffer, which its transport empties when it can
    connection.on("flush", () => (unsent = 0));
    connection.on("packetCreate", ({ data }: { data?: string | Buffer }) => {
      unsent += typeof data === "string" ? data.length : (data?.byteLength ?? 0);
      if (unsent <= MAX_UNSENT) return;
      const who = `a client at ${connection.remoteAddress}`;
      say.droppedClient(`${who} dropped: it stopped reading (over 1 MiB unsent)`);
      connection.close(true); // its buffer goes with it
    });
  });
}

// A packet Socket.IO cannot take, malformed or nested too deep (shallow.ts), drops its sender, as a
// line over the limit does on TCP: the sender hears why, as a receipt on each of its namespaces,
// and the log once, for its connection.
function dropWhoBreaksTheProtocol(io: Server, say: Commentary) {
  const told = new WeakSet<EngineSocket>();
  for (const namespace of io._nsps.values())
    namespace.on("connection", (socket: Socket) =>
      socket.on("error", ({ message }: Error) => {
        socket.emit("receipt", { ok: false, error: `dropped: ${message}` }); // sent before it goes
        if (told.has(socket.conn)) return;
        told.add(socket.conn);
        const where = socket.nsp.name === "/" ? "" : `${socket.nsp.name} `;
        say.droppedClient(`${where}${socket.id} dropped: ${message}`);
      }),
    );
}

const PAGE_TYPES: Record<string, string> = {
  "/": "text/html",
  "/page.js": "text/javascript",
  "/page.css": "text/css",
  "/busy.html": "text/html", // the busy store, a pane for each listening app
  "/busy.js": "text/javascript",
  "/page-lines.js": "text/javascript", // what both lesson pages share, from classroom/
  "/busy-panes.js": "text/javascript", // and both busy pages
  "/busy-panes.css": "text/css",
};
const FROM_CLASSROOM = ["/page-lines.js", "/busy-panes.js", "/busy-panes.css"];

async function sendPage(page: URL, path: string, response: ServerResponse) {
  // "/" is the page itself, the others are beside it, but for what both lessons' pages share
  const file = new URL(path.slice(1), FROM_CLASSROOM.includes(path) ? import.meta.url : page);
  const type = PAGE_TYPES[path];
  const found = await readFile(file).catch(() => undefined);
  if (!found) return void response.writeHead(404).end();
  response.writeHead(200, { "content-type": `${type}; charset=utf-8` }).end(found);
}
