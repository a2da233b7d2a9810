import { createServer } from "node:http";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { Server, type Namespace } from "socket.io";
import { answerer, CHANGES, passOn } from "./speech.ts";
import { serveAdminUi } from "./admin.ts";
import { commentary, DEFAULT_PORT, explainListenError, fail, listening, log, originAllowed, settings, stopOnSignal } from "./terminal.ts";

export { CHANGES };
export interface Note { id: number; change: (typeof CHANGES)[number]; at?: string }
export type Speech = string | Note; // text, as the browser tool sends it, or a record, as the app sends it
export type Message = { from: string; speech: Speech };
export type Receipt = { ok: true; heardBy: number } | { ok: true; joined: string } | { ok: false; error: string };
export type Ack = (receipt: Receipt) => void;

// "/" and "/home": speak in, message out to every socket of the namespace.
export interface ClientToServerEvents { speak: (speech: Speech, ack?: Ack) => void }
export interface ServerToClientEvents {
  message: (message: Message) => void;
  welcome: (welcome: { id: string; clients: number }) => void; // to one client, as it connects
  receipt: (receipt: Receipt) => void; // to the sender, when it gave no acknowledgement callback
}
// "/school" adds rooms: join one, and lesson, which goes to the codefellows room only.
export interface SchoolClientToServerEvents extends ClientToServerEvents {
  join: (room: string, ack?: Ack) => void;
  lesson: (speech: Speech, ack?: Ack) => void;
}
export interface SchoolServerToClientEvents extends ServerToClientEvents { lesson: (message: Message) => void }

export const ROOM = "codefellows";
export const EVENTS: Record<string, string[]> = { "/": ["speak"], "/school": ["speak", "join", "lesson"], "/home": ["speak"] };

export async function startServer({ port = DEFAULT_PORT, host = undefined as string | undefined, print = log } = {}) {
  const redis = process.env.REDIS_URL ? await (await import("./redis.ts")).connectRedis(process.env.REDIS_URL, print) : undefined;
  const http = createServer();
  const allowed = originAllowed();
  const io = new Server(http, {
    adapter: redis?.adapter, // undefined: the default, in this process's memory
    cors: { origin: (origin, callback) => callback(null, allowed(origin)) },
    allowRequest: (request, callback) => callback(null, allowed(request.headers.origin, request.headers.host)), // WebSockets skip CORS
  });
  const core: Namespace<ClientToServerEvents, ServerToClientEvents> = io.of("/");
  const home: Namespace<ClientToServerEvents, ServerToClientEvents> = io.of("/home");
  const school: Namespace<SchoolClientToServerEvents, SchoolServerToClientEvents> = io.of("/school");
  const say = commentary(print, () => io.engine.clientsCount);

  for (const nsp of [core, school, home] as Namespace<ClientToServerEvents, ServerToClientEvents>[]) {
    nsp.on("connection", (socket) => {
      say.note(`${nsp.name} ${socket.id} connected (${nsp.sockets.size} in ${nsp.name})`);
      socket.emit("welcome", { id: socket.id, clients: nsp.sockets.size });
      socket.on("disconnect", (why) => say.note(`${nsp.name} ${socket.id} disconnected: ${why} (${nsp.sockets.size} in ${nsp.name})`));
      socket.on("speak", (...args: unknown[]) => passOn(socket, "speak", args, say, (message) => {
        nsp.emit("message", message);
        return nsp.sockets.size;
      }));
      socket.onAny((event: string, ...args: unknown[]) => {
        if (EVENTS[nsp.name].includes(event)) return;
        const error = `${nsp.name} has no "${event}" event; it takes ${EVENTS[nsp.name].join(", ")}`;
        say.dropped(`${nsp.name} ${socket.id} ${event} refused: ${error}`);
        answerer(socket, args)({ ok: false, error });
      });
    });
  }

  school.on("connection", (socket) => {
    socket.on("join", (...args: unknown[]) => {
      const answer = answerer(socket, args);
      const room = args[0];
      if (typeof room !== "string" || !/^[\w-]{1,32}$/.test(room)) {
        const error = `join takes a room name of 1 to 32 letters, digits, - or _, not ${JSON.stringify(room) ?? "nothing"}`;
        say.dropped(`/school ${socket.id} join refused: ${error}`);
        return answer({ ok: false, error });
      }
      void socket.join(room);
      say.note(`/school ${socket.id} joined room ${room} (${school.adapter.rooms.get(room)?.size} in ${room})`);
      answer({ ok: true, joined: room });
    });
    socket.on("lesson", (...args: unknown[]) => passOn(socket, "lesson", args, say, (message) => {
      school.to(ROOM).emit("lesson", message);
      return school.adapter.rooms.get(ROOM)?.size ?? 0;
    }));
  });

  http.listen(port, host);
  await once(http, "listening").catch(async (error) => {
    say.stop(); // a server that could not listen leaves nothing running behind it
    await io.close();
    await redis?.close();
    throw error;
  });
  const bound = (http.address() as AddressInfo).port;
  const admin = serveAdminUi(io, http, bound);
  const close = async () => {
    say.stop();
    const closed = io.close();
    http.closeAllConnections(); // a browser's keep-alive connection (the Admin UI's) would hold the port open
    await closed;
    await redis?.close();
  };
  return { port: bound, admin, io, close };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { port, host } = settings();
  const server = await startServer({ port, host }).catch((error) => fail(explainListenError(error, port)));
  log(listening(server.port, host, "namespaces:logger", server.admin));
  stopOnSignal(server.close);
}
