import { pathToFileURL } from "node:url";
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "./server.ts";
import { DEFAULT_PORT, log, narrate, settings, stopOnSignal } from "./terminal.ts";

export function startLogger({ port = DEFAULT_PORT, host = "localhost", print = log } = {}) {
  const where = `http://${host}:${port}`;
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(where, { forceNew: true });
  narrate(socket, where, print);
  socket.on("message", ({ from, speech }) => print(`message from ${from}: ${JSON.stringify(speech)}`));
  return { socket, close: () => void socket.disconnect() };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { port, host } = settings();
  stopOnSignal(startLogger({ port, host }).close);
}
