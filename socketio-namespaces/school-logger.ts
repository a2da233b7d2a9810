import { pathToFileURL } from "node:url";
import { logNamespace, type LoggerOptions } from "./logger.ts";
import { settings, stopOnSignal } from "./terminal.ts";

export const startLogger = (options?: LoggerOptions) => logNamespace("/school", options);

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { port, host } = settings();
  stopOnSignal(startLogger({ port, host }).close);
}
