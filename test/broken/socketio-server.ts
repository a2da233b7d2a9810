// Socket.IO servers as a student might write them, for the checker's tests: each does all that its
// lesson asks, but for the one fault it is started with, or it does as the lesson does not and may
// (accepts-join-with-true, refuses-null-quietly, refuses-null-in-words, speaks-at-the-edges),
// which is no fault.
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
  | "accepts-null"
  | "answers-null-in-text"
  | "refuses-null-quietly"
  | "refuses-null-in-words"
  | "drops-newcomers"
  | "speaks-at-the-edges"
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

// what a speak of null gets back: the lesson's refusal, or another way to say no (no fault), or
// the fault "accepts-null", a yes, or "answers-null-in-text", a word that is no answer of the kind
const NULL_ANSWERS: Partial<Record<SocketIoFault, unknown>> = {
  "refuses-null-quietly": { ok: false },
  "refuses-null-in-words": { error: "nothing" },
  "accepts-null": { ok: true },
  "answers-null-in-text": "nothing",
};

export async function startBrokenSocketIo(fault: SocketIoFault) {
  const io = new Server(0);
  const said: unknown[] = []; // what "replays-to-newcomers" sends a new client; "…-the-last", one
  const namespaces = [io.of("/"), io.of("/home"), io.of("/school")];
  let taken = 0; // the fault "core-takes-one": a first client in /, and no other, as if full
  if (fault === "core-takes-one")
    io.use((_, next) => next(taken++ ? new Error("full") : undefined));
  // the fault "drops-newcomers": the checker's probe and its first check's three clients stay, and
  // every client after them is disconnected as it connects
  let connected = 0;
  if (fault === "drops-newcomers")
    io.on("connection", (socket) => ++connected > 4 && socket.disconnect(true));
  // no fault, "speaks-at-the-edges": a class whose records have ids just outside a checker's run,
  // or its ids as text, or no id, before each message once it knows the run: from the first text
  // of the run it passes on, "check <run>: …". How many it sent, for the test to see it did.
  let [run, edgesSent] = [0, 0];
  const edges = () => [
    { id: run },
    { id: run + 10 },
    { id: String(run + 1) },
    { change: "created" },
  ];
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
          return ack?.(
            fault in NULL_ANSWERS ? NULL_ANSWERS[fault] : { ok: false, error: "nothing" },
          );
        }
        // the fault: a record rebuilt from the fields it knows, and the rest left behind
        if (fault === "drops-unknown-fields" && typeof speech === "object")
          speech = { id: speech.id, change: speech.change };
        said.push({ from: socket.id, speech });
        if (fault === "speaks-at-the-edges") {
          run ||= Number(/^check (\d+): /.exec(String(speech))?.[1] ?? 0);
          for (const speech of run ? edges() : []) {
            nsp.emit("message", { from: "class", speech });
            edgesSent += 1;
          }
        }
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
  const port = (io.httpServer.address() as AddressInfo).port;
  return { port, close: () => io.close(), edgesSent: () => edgesSent };
}
