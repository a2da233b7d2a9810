import { pathToFileURL } from "node:url";
import { Manager, type Socket } from "socket.io-client";
import { narrate, shown } from "../classroom/narrate.ts";
import { log, runClient } from "../classroom/terminal.ts";
import { CHANGES, type SchoolClientToServerEvents as Sends } from "./events.ts";
import type { SchoolServerToClientEvents as Hears } from "./events.ts";

// One Manager is one connection; each namespace is a socket multiplexed over it.
export function startApp({ port = 3000, host = "localhost", every = 750, print = log } = {}) {
  const manager = new Manager(`http://${host}:${port}`);
  const open = (name: string) => {
    const socket: Socket<Hears, Sends> = manager.socket(name);
    narrate(socket, `http://${host}:${port}${name}`, print, "namespaces:server");
    socket.on("message", (message) => print(`${name} heard message ${shown(message)}`));
    return socket;
  };
  const sockets = { "/": open("/"), "/school": open("/school"), "/home": open("/home") };
  let id = 0;
  const timer = setInterval(() => {
    const name = (["/", "/school", "/home", "/school"] as const)[id++ % 4];
    const event = id % 4 === 0 ? "lesson" : "speak"; // every fourth turn, a lesson for the room
    const note = { id, change: CHANGES[(id - 1) % CHANGES.length], at: new Date().toISOString() };
    const speech = event === "lesson" ? `lesson ${id}: a room is a pool inside a namespace` : note;
    const said = `${name} ${event} ${JSON.stringify(speech)}`;
    // Socket.IO would buffer emits while disconnected, then send a stale burst: drop them instead.
    if (!sockets[name].connected) return print(`dropped ${said} (not connected)`);
    print(said);
    const receipt = (r: unknown) => print(`${name} receipt for ${event}: ${JSON.stringify(r)}`);
    sockets[name].emit(event, speech, receipt);
  }, every);
  const close = () => {
    clearInterval(timer);
    for (const socket of Object.values(sockets)) socket.disconnect();
  };
  return { sockets, close };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  runClient(startApp, "namespaces:app");
}
