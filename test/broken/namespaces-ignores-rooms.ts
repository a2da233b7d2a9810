// A broken namespaces server for the checker's tests: its lesson goes to all of /school.
import { Server } from "socket.io";

const io = new Server(0);
for (const nsp of [io.of("/"), io.of("/home"), io.of("/school")]) {
  nsp.on("connection", (socket) => {
    socket.on("speak", (speech) => nsp.emit("message", { from: socket.id, speech }));
    socket.on("join", (room, ack) => (socket.join(room), ack?.({ ok: true })));
    socket.on("lesson", (speech) => nsp.emit("lesson", { from: socket.id, speech })); // the fault
  });
}
io.httpServer.once("listening", () =>
  console.log(`listening on port ${(io.httpServer.address() as { port: number }).port}`),
);
