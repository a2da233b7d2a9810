// The yardstick for the lesson's Socket.IO server: a broadcast of the same message, and nothing else.
// With RECEIPT=on it also answers each speak as the lesson does, so that all the two differ by is checking and logging.
import { createServer } from "node:http";
import { Server } from "socket.io";

const withReceipt = process.env.RECEIPT === "on";
const http = createServer();
const io = new Server(http);
io.on("connection", (socket) =>
  socket.on("speak", (speech, ack) => {
    io.emit("message", { from: socket.id, speech });
    if (!withReceipt) return;
    const receipt = { ok: true, heardBy: io.engine.clientsCount };
    if (typeof ack === "function") ack(receipt);
    else socket.emit("receipt", receipt);
  }),
);
http.listen(0, "127.0.0.1", () =>
  console.log(`listening on port ${(http.address() as { port: number }).port}`),
);
process.once("SIGTERM", () => void io.close().then(() => process.exit(0)));
