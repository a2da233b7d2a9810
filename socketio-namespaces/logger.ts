import { pathToFileURL } from "node:url";
import { io, type Socket } from "socket.io-client";
import type { Message, SchoolClientToServerEvents, SchoolServerToClientEvents } from "./server.ts";
import { DEFAULT_PORT, log, narrate, settings, stopOnSignal } from "./terminal.ts";

export interface LoggerOptions { port?: number; host?: string; print?: (line: string) => void }

// Every logger of this lesson is this one, pointed at another namespace: it prints all that namespace sends it.
export function logNamespace(namespace: string, { port = DEFAULT_PORT, host = "localhost", print = log }: LoggerOptions = {}) {
  const where = `http://${host}:${port}${namespace}`;
  const socket: Socket<SchoolServerToClientEvents, SchoolClientToServerEvents> = io(where, { forceNew: true });
  narrate(socket, where, print);
  socket.onAny((event: string, payload: unknown) => print(`${namespace} ${event} ${show(payload)}`));
  return { socket, close: () => void socket.disconnect() };
}

const show = (payload: unknown) => {
  const { from, speech } = (payload ?? {}) as Partial<Message>;
  return from && speech !== undefined ? `from ${from}: ${JSON.stringify(speech)}` : JSON.stringify(payload);
};

export const startLogger = (options?: LoggerOptions) => logNamespace("/", options);

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { port, host } = settings();
  stopOnSignal(startLogger({ port, host }).close);
}
