import { pathToFileURL } from "node:url";
import { io, type Socket } from "socket.io-client";
import { narrate, shown } from "../classroom/narrate.ts";
import { log, runClient } from "../classroom/terminal.ts";
import { recordKey, type ClientToServerEvents as Sends } from "./events.ts";
import type { ServerToClientEvents as Hears } from "./events.ts";

const ids = (from: number, to: number) => (from === to ? `id ${from}` : `ids ${from} to ${to}`);

// The logger numbers what it hears, and says which ids never came, and which came twice.
export function startLogger({ port = 3000, host = "localhost", print = log } = {}) {
  const where = `http://${host}:${port}`;
  const socket: Socket<Hears, Sends> = io(where);
  narrate(socket, where, print, "delivery:server");
  socket.on("connect", () => {
    if (socket.recovered) print("recovered: the same session, and what was sent meanwhile");
  });
  socket.on("welcome", ({ missed }) => missed && print(`the server says: ${missed}`));

  let heard = 0; // messages heard, whatever their ids
  let last = 0; // the last id heard
  const records = new Set<string>(); // every record heard, by id and time
  socket.on("message", (message) => {
    heard += 1;
    const { speech } = message;
    const record = recordKey(speech);
    if (typeof speech !== "string") {
      if (record && records.has(record)) print(`id ${speech.id} again: heard twice`);
      else if (last && speech.id > last + 1) print(`missed ${ids(last + 1, speech.id - 1)}`);
      last = speech.id;
    }
    if (record) records.add(record);
    print(`#${heard} message ${shown(message)}`);
  });
  return { socket, close: () => void socket.disconnect() };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  runClient(startLogger, "delivery:logger");
}
