// npm run namespaces:cluster: the namespaces lesson on two servers acting as one through a private
// Redis. The app speaks to server A; the loggers are spread over A and B, and each sees its slice.
import { freePort, startRedisServer } from "../classroom/redis-server.ts";
import { fail, settings, type Print } from "../classroom/terminal.ts";
import { together } from "../classroom/together.ts";
import { startApp } from "./app.ts";
import { startLogger as startCodefellowsLogger } from "./codefellows-logger.ts";
import { startLogger as startHomeLogger } from "./home-logger.ts";
import { startLogger } from "./logger.ts";
import { startLogger as startSchoolLogger } from "./school-logger.ts";

type Start = (options: { port: number; print: Print }) => { close: () => unknown };

const { port: a } = settings("namespaces:cluster"); // server A on PORT (3000), server B on the next
const b = a + 1;
const redisPort = await freePort();
const redis = await startRedisServer(redisPort).catch((error) => fail(error.message));
const REDIS_URL = `redis://127.0.0.1:${redisPort}`;
console.log(
  `a private Redis at ${REDIS_URL}; server A on port ${a}, server B on port ${b}; ` +
    "Ctrl-C stops it all",
);

const server = (name: string, port: number) => ({
  name,
  command: "node --import tsx socketio-namespaces/server.ts",
  env: { PORT: String(port), REDIS_URL },
});
const client = (name: string, start: Start, port: number) => ({
  name,
  start: (print: Print) => start({ port, print }),
});
// The clients once both servers listen, so that none begins with "no server"
process.exitCode = await together(
  [server("server A", a), server("server B", b)],
  [
    client("app → A", startApp, a),
    client("logger ← A", startLogger, a),
    client("home ← B", startHomeLogger, b),
    client("school ← A", startSchoolLogger, a),
    client("codefellows ← B", startCodefellowsLogger, b),
  ],
);
redis.kill("SIGTERM");
