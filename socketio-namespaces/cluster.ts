// npm run namespaces:cluster: the namespaces lesson on two servers acting as one through a private
// Redis. The app speaks to server A; the loggers are spread over A and B, and each sees its slice.
import { freePort, startRedisServer } from "../classroom/redis-server.ts";
import { fail, settings } from "../classroom/terminal.ts";
import { together } from "../classroom/together.ts";

const { port: a } = settings("namespaces:cluster"); // server A on PORT (3000), server B on the next
const b = a + 1;
const redisPort = await freePort();
const redis = await startRedisServer(redisPort).catch((error) => fail(error.message));
const REDIS_URL = `redis://127.0.0.1:${redisPort}`;
console.log(
  `a private Redis at ${REDIS_URL}; server A on port ${a}, server B on port ${b}; ` +
    "Ctrl-C stops it all",
);

const run = (name: string, file: string, port: number, withRedis = false) => ({
  name,
  command: `node --import tsx socketio-namespaces/${file}.ts`,
  env: { PORT: String(port), ...(withRedis ? { REDIS_URL } : {}) },
});
// The clients once both servers listen, so that none begins with "no server"
process.exitCode = await together(
  [run("server A", "server", a, true), run("server B", "server", b, true)],
  [
    run("app → A", "app", a),
    run("logger ← A", "logger", a),
    run("home ← B", "home-logger", b),
    run("school ← A", "school-logger", a),
    run("codefellows ← B", "codefellows-logger", b),
  ],
);
redis.kill("SIGTERM");
