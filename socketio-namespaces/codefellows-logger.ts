import { pathToFileURL } from "node:url";
import { logNamespace, type LoggerOptions } from "./logger.ts";
import { ROOM } from "./server.ts";
import { log, settings, stopOnSignal } from "./terminal.ts";

export function startLogger(options: LoggerOptions = {}) {
  const { print = log } = options;
  const logger = logNamespace("/school", options);
  // Rooms live on the server: a restarted server has forgotten us, so join on every connect, not just the first.
  logger.socket.on("connect", () =>
    logger.socket.emit("join", ROOM, (receipt) => print(receipt.ok ? `/school joined room ${ROOM}` : `/school ${receipt.error}`)));
  return logger;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { port, host } = settings();
  stopOnSignal(startLogger({ port, host }).close);
}
