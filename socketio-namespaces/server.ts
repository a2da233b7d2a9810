import { createServer } from "node:http";
import { pathToFileURL } from "node:url";
import { Server, type Namespace } from "socket.io";
import { commentary } from "../classroom/commentary.ts";
import type { Options } from "../classroom/settings.ts";
import { listen, passOn, refuseOthers, replyTo } from "../classroom/socketio-server.ts";
import { whoMayConnect } from "../classroom/socketio-server.ts";
import { log, runServer } from "../classroom/terminal.ts";
import { ROOM, type Joined, type Message } from "./events.ts";
import { connectRedis } from "./redis.ts";

const ROOMS = [ROOM]; // the rooms a client may join: not another's, nor one per join
const EVENTS: Record<string, string[]> = { "/": ["speak"], "/school": ["speak", "join", "lesson"] };

export async function startServer({ port = 3000, print = log, ...settings }: Options = {}) {
  const redis = await connectRedis(settings.redisUrl, print); // with REDIS_URL, servers act as one
  const http = createServer();
  const io = new Server(http, { adapter: redis.adapter, ...whoMayConnect(settings) });
  const say = commentary(print, () => io.engine.clientsCount);

  const [core, home, school] = [io.of("/"), io.of("/home"), io.of("/school")];
  for (const nsp of [core, home, school] as Namespace[]) {
    nsp.on("connection", (socket) => {
      const who = `${nsp.name} ${socket.id}`;
      const pool = () => `(${nsp.sockets.size} in ${nsp.name})`;
      say.note(`${who} connected ${pool()}`);
      socket.emit("welcome", { id: socket.id, clients: nsp.sockets.size });
      socket.on("disconnect", (why) => say.note(`${who} disconnected: ${why} ${pool()}`));
      const toNamespace = (message: Message) => {
        nsp.emit("message", message); // every socket of this namespace, and no other
        return nsp.sockets.size;
      };
      socket.on("speak", passOn(socket, "speak", say, toNamespace));
      refuseOthers(socket, EVENTS[nsp.name] ?? EVENTS["/"], say);
    });
  }

  school.on("connection", (socket) => {
    socket.on("join", (room: unknown, ...rest: unknown[]) => {
      const reply = replyTo<Joined>(socket, [room, ...rest]);
      if (typeof room !== "string" || !ROOMS.includes(room)) {
        const name = JSON.stringify(room)?.slice(0, 40) ?? "nothing";
        const error = `join takes a room of this lesson (${ROOMS.join(", ")}), not ${name}`;
        say.dropped(`/school ${socket.id} join refused: ${error}`);
        return reply({ ok: false, error });
      }
      void socket.join(room);
      const members = school.adapter.rooms.get(room)?.size;
      say.note(`/school ${socket.id} joined room ${room} (${members} in ${room})`);
      reply({ ok: true, joined: room });
    });
    const toRoom = (lesson: Message) => {
      school.to(ROOM).emit("lesson", lesson); // the room only: the rest of /school never hears it
      return school.adapter.rooms.get(ROOM)?.size ?? 0;
    };
    socket.on("lesson", passOn(socket, "lesson", say, toRoom));
  });

  const page = new URL("page/index.html", import.meta.url); // a browser is a client too
  return listen({ http, io, say, page, onClose: redis.close }, { port, ...settings });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await runServer(startServer, "namespaces:server");
}
