// What both Socket.IO lesson servers need around the lesson: who may connect, the Admin UI,
// listening, and a close that leaves nothing running.
import { once } from "node:events";
import type { Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Server, ServerOptions, Socket } from "socket.io";
import { serveAdminUi } from "./admin-ui.ts";
import type { Commentary } from "./commentary.ts";
import type { Settings } from "./settings.ts";

const DEFAULT_ORIGINS = "https://amritb.github.io,http://localhost:*,http://127.0.0.1:*";

// CORS_ORIGINS: web pages allowed to connect, comma-separated, "*" for any part or any page.
export function originAllowed(list = DEFAULT_ORIGINS) {
  const patterns = list
    .split(",")
    .map((origin) => origin.trim())
    .filter(Boolean)
    .map((origin) => {
      if (origin === "*") return /^/; // any page at all
      const escaped = origin.replace(/[.+?^${}()|[\]\\/]/g, "\\$&");
      return new RegExp(`^${escaped.replaceAll("*", "[\\w.:-]*")}$`); // * within a part of it
    });
  // No origin: not a browser. The server's own origin: a page it served, such as the Admin UI.
  return (origin: string | undefined, host?: string) =>
    origin === undefined ||
    origin === `http://${host}` ||
    patterns.some((pattern) => pattern.test(origin));
}

// Options for new Server(): CORS for polling, and the same list for WebSockets, which skip CORS.
export function whoMayConnect({ corsOrigins }: Partial<Settings> = {}): Partial<ServerOptions> {
  const allowed = originAllowed(corsOrigins);
  return {
    cors: { origin: (origin, callback) => callback(null, allowed(origin)) },
    allowRequest: (request, callback) =>
      callback(null, allowed(request.headers.origin, request.headers.host)),
  };
}

// A reply goes through the sender's callback if it gave one, else as a receipt event, to it
// alone: a client with no callbacks, such as a browser tool, still hears it.
export function replyTo<Receipt>(socket: Socket, args: unknown[]) {
  const ack = args.at(-1);
  if (typeof ack === "function") return ack as (receipt: Receipt) => void;
  return (receipt: Receipt) => void socket.emit("receipt", receipt);
}

// An event the namespace does not take gets its sender an error, and the server's log a line.
export function refuseOthers(socket: Socket, takes: string[], say: Commentary) {
  socket.onAny((event: string, ...args: unknown[]) => {
    if (takes.includes(event)) return;
    const error = `${socket.nsp.name} has no "${event}" event; it takes ${takes.join(", ")}`;
    say.dropped(`${socket.nsp.name} ${socket.id} ${event} refused: ${error}`);
    replyTo(socket, args)({ ok: false, error });
  });
}

export interface ClassroomServer {
  http: HttpServer;
  io: Server;
  say: Commentary;
  onClose?: () => Promise<unknown>;
}

// Listens, serves the Admin UI, and returns what a caller needs to watch and stop the server.
export async function listen(
  { http, io, say, onClose }: ClassroomServer,
  { port, host, ...settings }: Partial<Settings>,
) {
  const close = async () => {
    say.stop();
    const closed = io.close();
    http.closeAllConnections(); // a browser's keep-alive (the Admin UI's) holds the port
    await closed;
    await onClose?.();
  };
  http.listen(port, host);
  await once(http, "listening").catch(async (error) => {
    await close(); // a server that could not listen leaves nothing running behind it
    throw error;
  });
  const bound = (http.address() as AddressInfo).port;
  const admin = serveAdminUi(io, http, bound, settings);
  return { port: bound, admin, io, close };
}
