import { pathToFileURL } from "node:url";
import type { Options } from "../classroom/settings.ts";
import { log, runClient } from "../classroom/terminal.ts";
import { Connection } from "./connection.ts";

const EVENTS = ["create", "update", "delete", "read"]; // read: the server does not care about it
const THINGS = ["chair", "table", "lamp", "shelf"];

// A shuffled bag: random order, yet every four events include one read for the audience to watch.
function shuffled() {
  let bag: string[] = [];
  return () => {
    if (bag.length === 0) bag = [...EVENTS].sort(() => Math.random() - 0.5);
    return bag.pop() as string;
  };
}

export function startApp(options: Options & { every?: number; pick?: () => string } = {}) {
  const { port = 4000, host = "localhost", every = 1000, pick = shuffled(), print = log } = options;
  const connection = new Connection(host, port, print);
  connection.on("line", (line) => print(`heard ${line}`));
  let id = 0;
  const timer = setInterval(() => {
    id += 1;
    const line = `${pick()} ${JSON.stringify({ id, thing: THINGS[id % THINGS.length] })}`;
    // One connection for the app's whole life; while it is down, events are dropped, not queued.
    print(connection.send(line) ? `sent ${line}` : `dropped ${line} (not connected)`);
  }, every);
  const close = () => {
    clearInterval(timer);
    return connection.close();
  };
  return { connection, close };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  runClient(startApp, "tcp:app");
}
