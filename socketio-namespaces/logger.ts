import { pathToFileURL } from "node:url";
import { io, type Socket } from "socket.io-client";
import { narrate, shown } from "../classroom/narrate.ts";
import type { Options } from "../classroom/settings.ts";
import { log, runClient } from "../classroom/terminal.ts";
import type { Message, SchoolClientToServerEvents as Sends } from "./events.ts";
import type { SchoolServerToClientEvents as Hears } from "./events.ts";

// Every logger of this lesson is this one, pointed at another namespace: it prints all it is sent.
export function logNamespace(namespace: string, options: Options) {
  const { port = 3000, host = "localhost", print = log } = options;
  const where = `http://${host}:${port}${namespace}`;
  const socket: Socket<Hears, Sends> = io(where, { forceNew: true });
  narrate(socket, where, print, "namespaces:server");
  socket.onAny((event: string, payload: Message) => {
    const message = payload?.from && payload.speech !== undefined; // else a welcome or a receipt
    print(`${namespace} ${event} ${message ? shown(payload) : JSON.stringify(payload)}`);
  });
  return { socket, close: () => void socket.disconnect() };
}

export const startLogger = (options: Options = {}) => logNamespace("/", options);

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  runClient(startLogger, "namespaces:logger");
}
