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
    if (bag.length === 0) bag = [...EVENTS];
    const i = Math.floor(Math.random() * bag.length); // a fair draw from what is left in the bag
    return bag.splice(i, 1)[0];
  };
}

export function startApp(options: Options & { every?: number } = {}) {
  const { port = 4000, host = "localhost", every = 1000, print = log } = options;
  const pick = shuffled();
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
