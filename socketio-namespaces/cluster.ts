// npm run namespaces:cluster: the namespaces lesson on two servers acting as one through a private
// Redis. The app speaks to server A; the loggers are spread over A and B, and each sees its slice.
import concurrently from "concurrently";
import { freePort, startRedisServer } from "../classroom/redis-server.ts";
import { fail, settings } from "../classroom/terminal.ts";

const { port: a } = settings("namespaces:cluster"); // server A on PORT (3000), server B on the next
const b = a + 1;
const redisPort = await freePort();
const redis = await startRedisServer(redisPort).catch((error) => fail(error.message));
const REDIS_URL = `redis://127.0.0.1:${redisPort}`;
console.log(
  `a private Redis at ${REDIS_URL}; server A on port ${a}, server B on port ${b}; ` +
    "Ctrl-C stops it all",
);

const run = (file: string, port: number, withRedis = false) => ({
  command: `node --import tsx socketio-namespaces/${file}.ts`,
  env: { PORT: String(port), ...(withRedis ? { REDIS_URL } : {}) },
});
const { result } = concurrently(
  [
    { name: "server A", ...run("server", a, true) },
    { name: "server B", ...run("server", b, true) },
    { name: "app → A", ...run("app", a) },
    { name: "logger ← A", ...run("logger", a) },
    { name: "home ← B", ...run("home-logger", b) },
    { name: "school ← A", ...run("school-logger", a) },
    { name: "codefellows ← B", ...run("codefellows-logger", b) },
  ],
  {
    killOthersOn: ["failure", "success"],
    prefixColors: ["blue", "cyan", "magenta", "green", "yellow", "white", "red"],
  },
);
await result.catch(() => {});
redis.kill("SIGTERM");
