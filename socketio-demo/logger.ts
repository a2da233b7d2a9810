import { pathToFileURL } from "node:url";
import { io, type Socket } from "socket.io-client";
import { narrate } from "../classroom/narrate.ts";
import { log, runClient } from "../classroom/terminal.ts";
import type { ClientToServerEvents, ServerToClientEvents } from "./events.ts";

export function startLogger({ port = 3000, host = "localhost", print = log } = {}) {
  const where = `http://${host}:${port}`;
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(where);
  narrate(socket, where, print, "socketio:server");
  socket.on("message", ({ from, speech }) =>
    print(`message from ${from}: ${JSON.stringify(speech)}`),
  );
  return { socket, close: () => void socket.disconnect() };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  runClient(startLogger, "socketio:logger");
}
