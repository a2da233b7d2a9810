import { pathToFileURL } from "node:url";
import { io, type Socket } from "socket.io-client";
import { narrate, shown } from "../classroom/narrate.ts";
import type { Options } from "../classroom/settings.ts";
import { log, runClient } from "../classroom/terminal.ts";
import { KINDS, type Message, type StoreClientToServerEvents as Sends } from "./events.ts";
import type { StoreServerToClientEvents as Hears } from "./events.ts";

// A listening app of the busy store: it cares about one kind of event and drops the others, which
// reach it all the same. Once a second: how many packets reached it, and how many it handled.
export function startListener(options: Options & { every?: number } = {}) {
  const { port = 3000, host = "localhost", cares = KINDS[0], every = 1000, print = log } = options;
  const where = `http://${host}:${port}`;
  const socket: Socket<Hears, Sends> = io(where);
  narrate(socket, where, print, "socketio:server");

  let [received, handled] = [0, 0];
  socket.onAny((event: string, message: Message) => {
    if (event === "welcome") return; // to this app alone, as it connects
    received += 1; // sent to everyone, cared about or not
    if (event !== cares) return; // dropped: the app filters, once the packet has reached it
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
  runClient(startListener, "socketio:busy-listener", { cares: KINDS });
}
