import { pathToFileURL } from "node:url";
import { io, type Socket } from "socket.io-client";
import { narrate } from "../classroom/narrate.ts";
import { log, runClient } from "../classroom/terminal.ts";
import { KINDS, type StoreClientToServerEvents as Sends } from "./events.ts";
import type { StoreServerToClientEvents as Hears } from "./events.ts";

// The busy store: every 200 ms an event of a kind drawn at random, each kind as likely as the next.
export function startApp({ port = 3000, host = "localhost", every = 200, print = log } = {}) {
  const where = `http://${host}:${port}`;
  const socket: Socket<Hears, Sends> = io(where);
  narrate(socket, where, print, "socketio:server");

  let id = 0;
  const timer = setInterval(() => {
    id += 1;
    const kind = KINDS[Math.floor(Math.random() * KINDS.length)]; // a fair draw
    const note = { id, change: "created" as const };
    // Socket.IO would buffer emits while disconnected, then send a stale burst: drop them instead.
    if (!socket.connected) return print(`dropped ${kind} ${JSON.stringify(note)} (not connected)`);
    print(`${kind} ${JSON.stringify(note)}`);
    socket.emit(kind, note, (r) => void (r.ok || print(`refused: ${r.error}`)));
  }, every);

  const close = () => {
    clearInterval(timer);
    socket.disconnect();
  };
  return { socket, close };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  runClient(startApp, "socketio:busy-app");
}
