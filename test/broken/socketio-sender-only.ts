// A broken Socket.IO server for the checker's tests: it answers each speak to its sender alone.
import { Server } from "socket.io";

const io = new Server(0);
io.on("connection", (socket) => {
  socket.on("speak", (speech, ack) => {
    if (speech === null || speech === undefined) return ack?.({ ok: false, error: "nothing said" });
    socket.emit("message", { from: socket.id, speech }); // the fault: socket.emit, not io.emit
    ack?.({ ok: true });
  });
});
io.httpServer.once("listening", () =>
  console.log(`listening on port ${(io.httpServer.address() as { port: number }).port}`),
);
