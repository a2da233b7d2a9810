import { pathToFileURL } from "node:url";
import { Connection } from "./connection.ts";
import { DEFAULT_PORT, log, settings, stopOnSignal } from "./terminal.ts";

export function startLogger({ port = DEFAULT_PORT, host = "localhost", print = log } = {}) {
  const connection = new Connection(host, port, print);
  connection.on("line", (line) => print(line));
  return { connection, close: () => connection.close() };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { port, host } = settings();
  stopOnSignal(startLogger({ port, host }).close);
}
