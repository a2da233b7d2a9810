// A broken TCP server for the checker's tests: it passes on every event, read included.
import { createServer, type Socket } from "node:net";
import { createInterface } from "node:readline";

const pool = new Set<Socket>();
const server = createServer((socket) => {
  pool.add(socket);
  socket.on("close", () => pool.delete(socket)).on("error", () => {});
  const lines = createInterface({ input: socket, crlfDelay: Infinity }).on("error", () => {});
  lines.on("line", (line) => {
    for (const client of pool) client.write(`${line}\n`); // the fault: no check of the event
  });
});
server.listen(0, () =>
  console.log(`listening on port ${(server.address() as { port: number }).port}`),
);
