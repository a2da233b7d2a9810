import { createServer } from "node:http";
import { pathToFileURL } from "node:url";
import { Server, type Namespace } from "socket.io";
import { commentary } from "../classroom/commentary.ts";
import type { Options } from "../classroom/settings.ts";
import { listen, passOn, refuseOthers, replyTo } from "../classroom/socketio-server.ts";
import { whoMayConnect } from "../classroom/socketio-server.ts";
import { log, runServer } from "../classroom/terminal.ts";
import { KINDS, ROOM, type Joined, type Message } from "./events.ts";
import type { ClientToServerEvents as Hears, ServerToClientEvents as Says } from "./events.ts";
import type { SchoolClientToServerEvents, SchoolNamespace, StoreNamespace } from "./events.ts";
import { connectRedis } from "./redis.ts";
import { sendEachKindToItsRoom } from "./store.ts";

// the rooms a client may join, in each namespace: not another's, nor one per join
const ROOMS: Record<string, readonly string[]> = { "/school": [ROOM], "/store": KINDS };
const EVENTS: Record<string, string[]> = {
  "/": ["speak"],
  "/school": ["speak", "join", "lesson"],
  "/store": ["speak", "join", ...KINDS], // the busy store: an event of each kind to its room
};

export async function startServer({ port = 3000, print = log, ...settings }: Options = {}) {
  const redis = await connectRedis(settings.redisUrl, print); // with REDIS_URL, servers act as one
  const http = createServer();
  const io = new Server<Hears, Says>(http, { adapter: redis.adapter, ...whoMayConnect(settings) });
  const say = commentary(print, () => io.engine.clientsCount);

  const [core, home] = [io.of("/"), io.of("/home")]; // each namespace with the events it takes
  const [school, store]: [SchoolNamespace, StoreNamespace] = [io.of("/school"), io.of("/store")];
  for (const nsp of [core, home, school, store] as Namespace<Hears, Says>[]) {
    nsp.on("connection", (socket) => {
      const who = `${nsp.name} ${socket.id}`;
      const pool = () => `(${nsp.sockets.size} in ${nsp.name})`;
      say.line(`${who} connected ${pool()}`);
      socket.emit("welcome", { id: socket.id, clients: nsp.sockets.size });
      socket.on("disconnect", (why) => say.line(`${who} disconnected: ${why} ${pool()}`));
      const toNamespace = (message: Message) => {
        nsp.emit("message", message); // every socket of this namespace, and no other
        return nsp.sockets.size;
      };
      socket.on("speak", passOn(socket, "speak", say, toNamespace));
      refuseOthers(socket, EVENTS[nsp.name] ?? EVENTS["/"], say);
    });
  }

  for (const nsp of [school, store] as Namespace<{ join: SchoolClientToServerEvents["join"] }>[]) {
    nsp.on("connection", (socket) => {
      socket.on("join", (room, ack) => {
        const reply = replyTo<Joined>(socket, [room, ack]); // a client may send anything at all
        const rooms = ROOMS[nsp.name];
        if (typeof room !== "string" || !rooms.includes(room)) {
          const name = JSON.stringify(room)?.slice(0, 40) ?? "nothing";
          const error = `join takes a room of this lesson (${rooms.join(", ")}), not ${name}`;
          say.refused(`${nsp.name} ${socket.id} join refused: ${error}`);
          return reply({ ok: false, error });
        }
        void socket.join(room);
        const members = nsp.adapter.rooms.get(room)?.size;
        say.line(`${nsp.name} ${socket.id} joined room ${room} (${members} in ${room})`);
        reply({ ok: true, joined: room });
      });
    });
  }
  school.on("connection", (socket) => {
    const toRoom = (lesson: Message) => {
      school.to(ROOM).emit("lesson", lesson); // the room only: the rest of /school never hears it
      return school.adapter.rooms.get(ROOM)?.size ?? 0;
    };
    socket.on("lesson", passOn(socket, "lesson", say, toRoom));
  });
  sendEachKindToItsRoom(store, say); // store.ts: the busy store, a room for each kind

  const page = new URL("page/index.html", import.meta.url); // a browser is a client too
  return listen({ http, io, say, page, onClose: redis.close }, { port, ...settings });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await runServer(startServer, "namespaces:server");
}
