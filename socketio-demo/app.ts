import { pathToFileURL } from "node:url";
import { io, type Socket } from "socket.io-client";
import { CHANGES, type ClientToServerEvents, type ServerToClientEvents } from "./server.ts";
import { DEFAULT_PORT, log, narrate, settings, stopOnSignal } from "./terminal.ts";

// The app stands for a database API: every 750 ms it announces that a record was saved.
export function startApp({ port = DEFAULT_PORT, host = "localhost", every = 750, print = log } = {}) {
  const where = `http://${host}:${port}`;
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(where, { forceNew: true });
  narrate(socket, where, print);
  socket.on("welcome", ({ id, clients }) => print(`welcome, just for me: I am ${id}, ${clients} connected`));
  socket.on("message", ({ from, speech }) => print(`heard message from ${from}: ${JSON.stringify(speech)}`));

  let id = 0;
  const timer = setInterval(() => {
    id += 1;
    const note = { id, change: CHANGES[id % CHANGES.length], at: new Date().toISOString() };
    // Socket.IO would buffer emits while disconnected and send a burst of stale events later: drop them instead.
    if (!socket.connected) return print(`dropped speak ${JSON.stringify(note)} (not connected)`);
    print(`speak ${JSON.stringify(note)}`);
    socket.emit("speak", note, (receipt) =>
      print(receipt.ok ? `receipt, just for me: #${note.id} heard by ${receipt.heardBy}` : `refused: ${receipt.error}`));
  }, every);

  return {
    socket,
    close: () => {
      clearInterval(timer);
      socket.disconnect();
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { port, host } = settings();
  stopOnSignal(startApp({ port, host }).close);
}
