// A namespaces server for the checker's tests that does all the lesson asks but answer a join: a
// checker must not wait for that answer.
import { Server } from "socket.io";

const io = new Server(0);
for (const nsp of [io.of("/"), io.of("/home"), io.of("/school")]) {
  nsp.on("connection", (socket) => {
    socket.on("speak", (speech) => nsp.emit("message", { from: socket.id, speech }));
    socket.on("join", (room) => socket.join(room)); // and no answer
    socket.on("lesson", (speech) => nsp.to("codefellows").emit("lesson", { speech }));
  });
}
io.httpServer.once("listening", () =>
  console.log(`listening on port ${(io.httpServer.address() as { port: number }).port}`),
);
