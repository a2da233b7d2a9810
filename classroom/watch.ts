// npm run <lesson>:server: the server under tsx watch, so that saving it restarts it. tsx watch
// waits for a save even when the server could not start, so what would stop it at once (--help, a
// bad flag, a busy port, no Redis) is found here first, and ends the script with one line.
import childProcess from "node:child_process";
import { once } from "node:events";
import { connect, createServer } from "node:net";
import { constants } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort, startRedisServer } from "./redis-server.ts";
import { SCRIPTS } from "./scripts.ts";
import { explainListenError, fail, log, settings } from "./terminal.ts";

const [script = "", file = "", ...args] = process.argv.slice(2);
// Ctrl-C before tsx watch has taken over ends the script here, and so stops the private Redis too;
// from then on tsx watch stops the server first. A closed terminal (SIGHUP), which tsx watch leaves
// alone, ends it here at any time: the server has a SIGHUP of its own from that terminal.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const)
  process.on(signal, () => process.listenerCount(signal) === 1 && process.exit(0));
const { port, host, redisUrl, sessions } = settings(script, args); // --help: exit 0; a mistake: 2
const probe = createServer().listen(port, host);
await once(probe, "listening").catch((error) =>
  fail(explainListenError(error, { port, host }, script)),
);
await new Promise((done) => probe.close(done));
if (redisUrl) await reachRedis(redisUrl);
else if (SCRIPTS[script].privateRedis && sessions !== "memory") await privateRedis();
serverKilledIsEnded();
// tsx's own command line, run in this process: the watcher restarts the server on each save
process.argv = [process.argv[0], "tsx", "watch", "--clear-screen=false", file, ...args];
// @ts-expect-error tsx/cli has no types: it is a command line, not a library
await import("tsx/cli");

// tsx watch takes a server killed by a signal (kill -9) for one still running: the next save, or
// Ctrl-C, then waits for good for an exit that has come and gone. The exit code a shell gives
// such a process tells it that the server has ended, so that a save starts it again.
function serverKilledIsEnded() {
  const { spawn } = childProcess;
  childProcess.spawn = ((...command: Parameters<typeof spawn>) => {
    const child = spawn(...command);
    child.once(
      "exit",
      (_, signal) => signal && Object.assign(child, { exitCode: exitCode(signal) }),
    );
    return child;
  }) as typeof spawn;
}
function exitCode(signal: NodeJS.Signals) {
  return 128 + constants.signals[signal]; // as a shell says it
}

// A server that keeps its sessions in Redis gets its private redis-server from here, not from
// itself: this process outlives every save, and so does the Redis, with the sessions in it. It
// stops as this script ends, once the server has closed.
async function privateRedis() {
  const redisPort = await freePort();
  try {
    await startRedisServer(redisPort);
    process.env.REDIS_URL = `redis://127.0.0.1:${redisPort}`; // for each server the watch starts
    log(`a private Redis at ${process.env.REDIS_URL} keeps the sessions across saves`);
  } catch (error) {
    process.env.SESSIONS = "memory";
    log(`${(error as Error).message}; sessions in the server's memory, which each save loses`);
  }
}

async function reachRedis(url: string) {
  if (!URL.canParse(url)) fail(`the Redis URL is redis://host:port, not "${url}"`);
  const { hostname, port, password } = new URL(url);
  const redis = connect({ host: hostname || "localhost", port: Number(port || 6379) });
  await once(redis, "connect").catch(() =>
    fail(`no Redis at ${url}: start it (redis-server), or run without --redis-url (REDIS_URL)`),
  );
  // a Redis answers a PING with +PONG, or an error (-NOAUTH: it wants a password); another server
  // would keep the server waiting, or fail it, and tsx watch would wait for a save
  if (!url.startsWith("redis://")) return redis.destroy(); // rediss:// is TLS: no PING in the clear
  redis.write("PING\r\n");
  const answer = await Promise.race([once(redis, "data"), sleep(2000)]).catch(() => undefined);
  redis.destroy();
  const [said = ""] = String(answer?.[0] ?? "").split("\r\n");
  if (said === "+PONG" || (said.startsWith("-NOAUTH") && password)) return;
  if (said.startsWith("-NOAUTH"))
    fail(`the Redis at ${url} asks for a password: redis://:password@${hostname}:${port || 6379}`);
  if (said.startsWith("-")) fail(`the Redis at ${url} says: ${said.slice(1)}`);
  fail(`${url} is not a Redis: is it another server's port? Redis listens on 6379`);
}
