import { pathToFileURL } from "node:url";
import type { Options } from "../classroom/settings.ts";
import { runClient } from "../classroom/terminal.ts";
import { logNamespace } from "./logger.ts";

export const startLogger = (options: Options = {}) => logNamespace("/home", options);

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  runClient(startLogger, "namespaces:home-logger");
}
