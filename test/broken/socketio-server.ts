// Socket.IO servers as a student might write them, for the checker's tests: each does all that its
// lesson asks, but for the one fault it is started with.
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";

export type SocketIoFault =
  | "sender-only"
  | "others-only"
  | "replays-to-newcomers"
  | "replays-the-last"
  | "passes-null-to-others"
  | "ignores-rooms"
  | "no-join-ack";

export async function startBrokenSocketIo(fault: SocketIoFault) {
  const io = new Server(0);
  const said: unknown[] = []; // what "replays-to-newcomers" sends a new client; "…-the-last", one
  for (const nsp of [io.of("/"), io.of("/home"), io.of("/school")]) {
    nsp.on("connection", (socket) => {
      if (fault === "replays-to-newcomers") for (const old of said) socket.emit("message", old);
      if (fault === "replays-the-last" && said.length) socket.emit("message", said.at(-1));
      socket.on("speak", (speech, ack) => {
        if (speech === null || speech === undefined) {
          // the fault: refused to its sender, but passed on to everyone else
          if (fault === "passes-null-to-others") socket.broadcast.emit("message", { speech });
          return ack?.({ ok: false, error: "nothing" });
        }
        said.push({ from: socket.id, speech });
        // the fault: socket.emit, or socket.broadcast.emit, not io.emit
        const to =
          fault === "sender-only" ? socket : fault === "others-only" ? socket.broadcast : nsp;
        to.emit("message", { from: socket.id, speech });
        ack?.({ ok: true });
      });
      socket.on("join", (room, ack) => {
        socket.join(room);
        if (fault !== "no-join-ack") ack?.({ ok: true }); // the fault: no answer
      });
      socket.on("lesson", (speech) => {
        const to = fault === "ignores-rooms" ? nsp : nsp.to("codefellows"); // the fault: all of it
        to.emit("lesson", { from: socket.id, speech });
      });
    });
  }
  if (!io.httpServer.listening) await once(io.httpServer, "listening");
  return { port: (io.httpServer.address() as AddressInfo).port, close: () => io.close() };
}
