import { pathToFileURL } from "node:url";
import { io, type Socket } from "socket.io-client";
import { narrate } from "../classroom/narrate.ts";
import { log, runClient } from "../classroom/terminal.ts";
import { CHANGES, type ClientToServerEvents as Sends } from "./events.ts";
import type { ServerToClientEvents as Hears } from "./events.ts";

const RETRIES = 10; // tries past the first, each only while connected: a restart costs one or two
const RECEIPT_MS = 1000; // a speak with no receipt by then is sent again

// The app stands for a database API: every 750 ms it announces a record, at least once: each speak
// waits its turn in the client's queue, and is sent again until the server acknowledges it.
export function startApp({ port = 3000, host = "localhost", every = 750, print = log } = {}) {
  const where = `http://${host}:${port}`;
  const socket: Socket<Hears, Sends> = io(where, { retries: RETRIES });
  narrate(socket, where, print, "delivery:server");

  let id = 0;
  const timer = setInterval(() => {
    id += 1;
    const note = { id, change: CHANGES[(id - 1) % CHANGES.length], at: new Date().toISOString() };
    print(`speak ${JSON.stringify(note)}${socket.connected ? "" : " (queued: no server)"}`);
    socket.timeout(RECEIPT_MS).emit("speak", note, (error, r) => {
      if (error) print(`gave up on #${note.id}: no receipt after ${RETRIES + 1} tries`);
      else if (!r.ok) print(`refused #${note.id}: ${r.error}`);
      else if ("duplicate" in r) print(`receipt for #${note.id}: a duplicate, not again`);
      else print(`receipt for #${note.id}: heard by ${r.heardBy}`);
    });
  }, every);

  const close = () => {
    clearInterval(timer);
    socket.disconnect(); // what is still queued goes with it
  };
  return { socket, close };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  runClient(startApp, "delivery:app");
}
