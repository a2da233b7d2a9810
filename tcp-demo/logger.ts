import { pathToFileURL } from "node:url";
import { log, runClient } from "../classroom/terminal.ts";
import { Connection } from "./connection.ts";

export function startLogger({ port = 4000, host = "localhost", print = log } = {}) {
  const connection = new Connection(host, port, print);
  connection.on("line", (line) => print(line));
  return { connection, close: () => connection.close() };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  runClient(startLogger, "tcp:logger");
}
