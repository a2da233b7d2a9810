import { pathToFileURL } from "node:url";
import { Connection } from "./connection.ts";
import { DEFAULT_PORT, log, settings, stopOnSignal } from "./terminal.ts";

const EVENTS = ["create", "update", "delete", "read"]; // read: the server does not care about it
const THINGS = ["chair", "table", "lamp", "shelf"];

const randomEvent = () => EVENTS[Math.floor(Math.random() * EVENTS.length)];

export function startApp({ port = DEFAULT_PORT, host = "localhost", every = 1000, pick = randomEvent, print = log } = {}) {
  const connection = new Connection(host, port, print);
  connection.on("line", (line) => print(`heard ${line}`));
  let id = 0;
  const timer = setInterval(() => {
    id += 1;
    const line = `${pick()} ${JSON.stringify({ id, thing: THINGS[id % THINGS.length], at: new Date().toISOString() })}`;
    // One connection for the app's whole life; while it is down, events are dropped, not queued.
    print(connection.send(line) ? `sent ${line}` : `dropped ${line} (not connected)`);
  }, every);
  return {
    connection,
    close: async () => {
      clearInterval(timer);
      await connection.close();
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { port, host } = settings();
  stopOnSignal(startApp({ port, host }).close);
}
