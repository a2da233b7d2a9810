import { pathToFileURL } from "node:url";
import { io, type Socket } from "socket.io-client";
import { narrate, shown } from "../classroom/narrate.ts";
import type { Options } from "../classroom/settings.ts";
import { log, runClient } from "../classroom/terminal.ts";
import { KINDS, type Message, type StoreServerToClientEvents as Hears } from "./events.ts";
import type { StoreRoomsClientToServerEvents as Sends } from "./events.ts";

// The first pass's listening app, in /store: it joins the room of the kind it cares about, so the
// server sends it that kind alone, and what reaches it is what it handles.
export function startListener(options: Options & { every?: number } = {}) {
  const { port = 3000, host = "localhost", cares = KINDS[0], every = 1000, print = log } = options;
  const where = `http://${host}:${port}/store`;
  const socket: Socket<Hears, Sends> = io(where, { forceNew: true });
  narrate(socket, where, print, "namespaces:server");
  // Rooms live on the server, which forgets them when it restarts: join on every connect, not once.
  socket.on("connect", () =>
    socket.emit("join", cares, (r) => print(r.ok ? `joined room ${cares}` : r.error)),
  );

  let [received, handled] = [0, 0];
  socket.onAny((event: string, message: Message) => {
    if (event === "welcome") return; // to this app alone, as it connects
    received += 1; // sent to its room, or to all of /store
    if (event !== cares) return; // the same filter as in the first pass, with nothing left to drop
    handled += 1;
    print(`handled ${event} ${shown(message)}`);
  });
  const timer = setInterval(() => print(`received ${received}, handled ${handled}`), every);

  const close = () => {
    clearInterval(timer);
    socket.disconnect();
  };
  return { socket, close };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  runClient(startListener, "namespaces:busy-listener", { cares: KINDS });
}
