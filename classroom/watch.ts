// npm run <lesson>:server: the server under tsx watch, so that saving it restarts it. tsx watch
// waits for a save even when the server could not start, so what would stop it at once (--help, a
// bad flag, a busy port, no Redis) is found here first, and ends the script with one line.
import { once } from "node:events";
import { connect, createServer } from "node:net";
import { explainListenError, fail, settings } from "./terminal.ts";

const [script = "", file = "", ...args] = process.argv.slice(2);
const { port, host, redisUrl } = settings(script, args); // --help: exit 0; a mistake: exit 2
const probe = createServer().listen(port, host);
await once(probe, "listening").catch((error) =>
  fail(explainListenError(error, { port, host }, script)),
);
await new Promise((done) => probe.close(done));
if (redisUrl) await reachRedis(redisUrl);
// tsx's own command line, run in this process: the watcher restarts the server on each save
process.argv = [process.argv[0], "tsx", "watch", "--clear-screen=false", file, ...args];
// @ts-expect-error tsx/cli has no types: it is a command line, not a library
await import("tsx/cli");

async function reachRedis(url: string) {
  if (!URL.canParse(url)) fail(`the Redis URL is redis://host:port, not "${url}"`);
  const { hostname, port } = new URL(url);
  const redis = connect({ host: hostname || "localhost", port: Number(port || 6379) });
  await once(redis, "connect").catch(() =>
    fail(`no Redis at ${url}: start it (redis-server), or run without --redis-url (REDIS_URL)`),
  );
  redis.destroy();
}
