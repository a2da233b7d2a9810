// A broken TCP server for the checker's tests: it never takes a client out of its pool, nor listens
// for its errors, so the first client that leaves abruptly takes the server down.
import { createServer, type Socket } from "node:net";
import { createInterface } from "node:readline";

const pool: Socket[] = []; // the fault: nothing ever leaves it
const server = createServer((socket) => {
  pool.push(socket);
  createInterface({ input: socket, crlfDelay: Infinity }).on("line", (line) => {
    if (!["create", "update", "delete"].includes(line.split(" ")[0])) return;
    for (const client of pool) client.write(`${line}\n`);
  });
});
server.listen(0, () =>
  console.log(`listening on port ${(server.address() as { port: number }).port}`),
);
