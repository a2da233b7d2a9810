import { pathToFileURL } from "node:url";
import { io, type Socket } from "socket.io-client";
import { narrate, shown } from "../classroom/narrate.ts";
import { log, runClient } from "../classroom/terminal.ts";
import { CHANGES, type ClientToServerEvents, type ServerToClientEvents } from "./events.ts";

// The app stands for a database API: every 750 ms it announces that a record was saved.
export function startApp({ port = 3000, host = "localhost", every = 750, print = log } = {}) {
  const where = `http://${host}:${port}`;
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(where);
  narrate(socket, where, print, "socketio:server");
  socket.on("welcome", (w) => print(`welcome, just for me: I am ${w.id}, ${w.clients} connected`));
  socket.on("message", (message) => print(`heard message ${shown(message)}`));

  let id = 0;
  const timer = setInterval(() => {
    id += 1;
    const note = { id, change: CHANGES[(id - 1) % CHANGES.length], at: new Date().toISOString() };
    // Socket.IO would buffer emits while disconnected, then send a stale burst: drop them instead.
    if (!socket.connected) return print(`dropped speak ${JSON.stringify(note)} (not connected)`);
    print(`speak ${JSON.stringify(note)}`);
    socket.emit("speak", note, (r) =>
      print(
        r.ok ? `receipt, just for me: #${note.id} heard by ${r.heardBy}` : `refused: ${r.error}`,
      ),
    );
  }, every);

  const close = () => {
    clearInterval(timer);
    socket.disconnect();
  };
  return { socket, close };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  runClient(startApp, "socketio:app");
}
