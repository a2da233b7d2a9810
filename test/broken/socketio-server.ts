// Socket.IO servers as a student might write them, for the checker's tests: each does all that its
// lesson asks, but for the one fault it is started with, or it answers as the lesson does not
// (accepts-join-with-true), which is no fault.
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";

export type SocketIoFault =
  | "sender-only"
  | "others-only"
  | "replays-to-newcomers"
  | "replays-the-last"
  | "passes-null-to-others"
  | "drops-unknown-fields"
  | "no-ack"
  | "refuses-silently"
  | "leaks-from-core"
  | "leaks-from-home"
  | "leaks-from-school"
  | "ignores-rooms"
  | "refuses-join"
  | "refuses-join-quietly"
  | "refuses-join-in-words"
  | "no-join-ack"
  | "ignores-join"
  | "core-takes-one"
  | "accepts-join-with-true";
// the fault "refuses-…": no room may be joined, and how the answer says so
const REFUSALS: Partial<Record<SocketIoFault, object>> = {
  "refuses-join": { ok: false, error: "no such room" },
  "refuses-join-quietly": { ok: false },
  "refuses-join-in-words": { error: "no such room" },
};

export async function startBrokenSocketIo(fault: SocketIoFault) {
  const io = new Server(0);
  const said: unknown[] = []; // what "replays-to-newcomers" sends a new client; "…-the-last", one
  const namespaces = [io.of("/"), io.of("/home"), io.of("/school")];
  let taken = 0; // the fault "core-takes-one": a first client in /, and no other, as if full
  if (fault === "core-takes-one")
    io.use((_, next) => next(taken++ ? new Error("full") : undefined));
  for (const nsp of namespaces) {
    // the fault "leaks-from-…": what is said in that namespace reaches every namespace
    const leaks = fault === `leaks-from-${nsp.name === "/" ? "core" : nsp.name.slice(1)}`;
    nsp.on("connection", (socket) => {
      if (fault === "replays-to-newcomers") for (const old of said) socket.emit("message", old);
      if (fault === "replays-the-last" && said.length) socket.emit("message", said.at(-1));
      socket.on("speak", (speech, ack) => {
        if (speech === null || speech === undefined) {
          // the fault: refused to its sender, but passed on to everyone else
          if (fault === "passes-null-to-others") socket.broadcast.emit("message", { speech });
          if (fault === "refuses-silently") return; // the fault: not a word to its sender
          return ack?.({ ok: false, error: "nothing" });
        }
        // the fault: a record rebuilt from the fields it knows, and the rest left behind
        if (fault === "drops-unknown-fields" && typeof speech === "object")
          speech = { id: speech.id, change: speech.change };
        said.push({ from: socket.id, speech });
        // the fault: socket.emit, or socket.broadcast.emit, not io.emit
        const to =
          fault === "sender-only" ? socket : fault === "others-only" ? socket.broadcast : nsp;
        for (const one of leaks ? namespaces : [to])
          one.emit("message", { from: socket.id, speech });
        if (fault !== "no-ack") ack?.({ ok: true }); // the fault: a good speak gets no answer
      });
      socket.on("join", (room, ack) => {
        if (REFUSALS[fault]) return ack?.(REFUSALS[fault]);
        if (fault === "ignores-join") return; // the fault: no room, and no word of it
        socket.join(room);
        if (fault === "accepts-join-with-true") return ack?.(true); // no fault: any yes will do
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
