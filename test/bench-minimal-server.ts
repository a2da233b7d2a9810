// The yardstick for the lesson's Socket.IO server: a broadcast of the same message, and nothing else.
import { createServer } from "node:http";
import { Server } from "socket.io";

const http = createServer();
const io = new Server(http);
io.on("connection", (socket) => socket.on("speak", (speech) => io.emit("message", { from: socket.id, speech })));
http.listen(0, "127.0.0.1", () => console.log(`listening on port ${(http.address() as { port: number }).port}`));
process.once("SIGTERM", () => void io.close().then(() => process.exit(0)));
