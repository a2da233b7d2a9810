import { pathToFileURL } from "node:url";
import type { Options } from "../classroom/settings.ts";
import { log, runClient } from "../classroom/terminal.ts";
import { logNamespace } from "./logger.ts";
import { ROOM } from "./events.ts";

export function startLogger(options: Options = {}) {
  const { print = log } = options;
  const logger = logNamespace("/school", options);
  // Rooms live on the server, which forgets them when it restarts: join on every connect, not once.
  logger.socket.on("connect", () =>
    logger.socket.emit("join", ROOM, (receipt) =>
      print(receipt.ok ? `/school joined room ${ROOM}` : `/school ${receipt.error}`),
    ),
  );
  return logger;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  runClient(startLogger, "namespaces:codefellows-logger");
}
