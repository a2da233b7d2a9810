// A private redis-server on a free loopback port: for namespaces:cluster, the tests and the bench.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { connect, createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

export async function freePort() {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

// Resolves with the process once Redis accepts connections; it keeps nothing on disk.
export async function startRedisServer(port: number) {
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
  // In a process group of its own, Ctrl-C does not reach it: the servers using it close first,
  // then their owner stops it as it exits. Only an owner killed outright (kill -9) leaves it.
  const redis = spawn("redis-server", args, { stdio: "ignore", detached: true });
  const stop = () => redis.kill();
  process.once("exit", stop);
  redis.once("exit", () => process.off("exit", stop));
  let missing = false;
  redis.once("error", () => (missing = true));
  for (let tries = 0; tries < 100 && !missing && redis.exitCode === null; tries++) {
    if (await accepts(port)) return redis;
    await sleep(50);
  }
  redis.kill();
  throw new Error(
    missing
      ? "redis-server is not installed: apt-get install redis-server (or brew install redis)"
      : `redis-server did not start on port ${port}`,
  );
}

// Whether something on this machine accepts connections on the port: a probe, closed at once.
export async function accepts(port: number) {
  const socket = connect(port, "127.0.0.1");
  const connected = await new Promise((done) =>
    socket.once("connect", () => done(true)).once("error", () => done(false)),
  );
  socket.destroy();
  return connected;
}
