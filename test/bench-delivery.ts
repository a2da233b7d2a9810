// npm run bench:delivery: what recovery costs, in figures. A script, not a test: it starts the
// namespaces lesson's server and the delivery lesson's, with its sessions in memory and then in
// Redis Streams, each in a process of its own, drives each from this one over 127.0.0.1, and prints
// one table: the median of RUNS runs, min and max beside it.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { setImmediate as yieldToIo } from "node:timers/promises";
import { io, type Socket } from "socket.io-client";
import { freePort, startRedisServer } from "../classroom/redis-server.ts";

const RUNS = Number(process.env.RUNS ?? 3);
const FANOUTS = [1, 10]; // subscribers
const SECONDS = 1; // each throughput measurement
const BATCH = 50; // messages the publisher writes at a time
const WINDOW = 1000; // how far the publisher may be ahead of its slowest subscriber
const KEPT = 20_000; // messages sent before memory is read again: what recovery keeps of them
const PAD = "x".repeat(80); // with the event's name and the sender's id, a message of ~150 bytes

interface Server {
  port: number;
  heap(): Promise<number>; // what the server's heap holds, after a full collection
  redisMemory?: () => number; // and its Redis's resident memory
  stop(): Promise<unknown>;
}

const connect = async () => {
  const socket = io(`http://127.0.0.1:${(connect as { port?: number }).port}`, {
    forceNew: true,
    reconnection: false,
    transports: ["websocket"],
  });
  await once(socket as never, "connect");
  return socket;
};

// Speak as fast as the slowest of the subscribers takes it, for a while or for a number of
// messages; resolves with how many deliveries were made each second meanwhile.
async function drive(port: number, fanout: number, until: { ms?: number; messages?: number }) {
  Object.assign(connect, { port });
  const subscribers = await Promise.all(Array.from({ length: fanout }, connect));
  const counts = subscribers.map(() => 0);
  subscribers.forEach((s, i) => s.on("message", () => (counts[i] += 1)));
  const publisher: Socket = await connect();
  const slowest = () => Math.min(...counts);
  let sent = 0;
  const more = (started: number) =>
    until.ms ? performance.now() - started < until.ms : sent < (until.messages ?? 0);
  const publishWhile = async (going: () => boolean) => {
    while (going()) {
      if (sent - slowest() < WINDOW) {
        for (let i = 0; i < BATCH; i++) publisher.emit("speak", PAD);
        sent += BATCH;
      } else await yieldToIo();
    }
    while (slowest() < sent) await yieldToIo();
  };
  const warm = performance.now();
  await publishWhile(() => performance.now() - warm < 200);
  const [start, before] = [performance.now(), counts.reduce((a, b) => a + b, 0)];
  await publishWhile(() => more(start));
  const delivered = counts.reduce((a, b) => a + b, 0) - before;
  const rate = (delivered / (performance.now() - start)) * 1000;
  for (const socket of [publisher, ...subscribers]) socket.disconnect();
  return rate;
}

const rss = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]) * 1024;

// A lesson server as its npm script would start it, less the watch, with the Admin UI off.
async function startScript(file: string, env: Record<string, string>): Promise<Server> {
  const args = ["--expose-gc", "--import", "tsx", "--import", "./test/bench-memory.ts", file];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", ADMIN_UI: "off", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (pattern: RegExp) => {
    for (let line = await lines.next(); !line.done; line = await lines.next()) {
      const found = pattern.exec(line.value)?.[1];
      if (found) return Number(found);
    }
    throw new Error(`${file} stopped`);
  };
  const port = await next(/listening on port (\d+)/);
  const heap = () => (child.kill("SIGUSR2"), next(/^bench: heap (\d+)$/));
  return { port, heap, stop: () => stop(child) };
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  await once(child, "exit");
}

const SERVERS: Record<string, () => Promise<Server | undefined>> = {
  "namespaces lesson (no recovery)": () => startScript("socketio-namespaces/server.ts", {}),
  "delivery, sessions in memory": () =>
    startScript("socketio-delivery/server.ts", { SESSIONS: "memory" }),
  "delivery, sessions in Redis Streams": async () => {
    if (spawnSync("redis-server", ["--version"]).error) return undefined;
    const redisPort = await freePort();
    const redis = await startRedisServer(redisPort);
    const REDIS_URL = `redis://127.0.0.1:${redisPort}`;
    const server = await startScript("socketio-delivery/server.ts", { REDIS_URL });
    const stopBoth = async () => (await server.stop(), await stop(redis));
    return { ...server, redisMemory: () => rss(redis.pid ?? 0), stop: stopBoth };
  },
};

// One run: every figure once, with every server started fresh and stopped after.
async function run() {
  const figures: Record<string, number> = {};
  for (const [name, start] of Object.entries(SERVERS)) {
    const server = await start();
    if (!server) continue;
    try {
      for (const fanout of FANOUTS)
        figures[`${name}|deliveries/s, N=${fanout}`] = await drive(server.port, fanout, {
          ms: SECONDS * 1000,
        });
      const [before, redisBefore] = [await server.heap(), server.redisMemory?.() ?? 0];
      await drive(server.port, 1, { messages: KEPT });
      figures[`${name}|kept in the server's heap`] = (await server.heap()) - before;
      if (server.redisMemory) figures[`${name}|kept in Redis`] = server.redisMemory() - redisBefore;
    } finally {
      await server.stop();
    }
  }
  for (const fanout of FANOUTS) {
    const per = (name: string) => figures[`${name}|deliveries/s, N=${fanout}`];
    const base = per("namespaces lesson (no recovery)");
    for (const name of Object.keys(SERVERS).slice(1))
      if (per(name)) figures[`${name} / namespaces|deliveries/s, N=${fanout}`] = per(name) / base;
  }
  return figures;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function format(key: string, value: number) {
  const [row, column] = key.split("|");
  if (row.includes(" / ")) return `${value.toFixed(2)}x`;
  if (column.startsWith("kept")) return `${(value / 2 ** 20).toFixed(1)} MiB`;
  return value >= 1e6 ? `${(value / 1e6).toFixed(2)}M` : `${(value / 1e3).toFixed(0)}k`;
}

if (spawnSync("redis-server", ["--version"]).error)
  console.log("redis-server is not installed (apt-get install redis-server): no Redis this time.");
console.log(`${RUNS} runs, each figure the median [min to max]; ratios within each run.`);
const runs: Record<string, number>[] = [];
for (let i = 0; i < RUNS; i++) {
  runs.push(await run());
  console.log(`run ${i + 1} of ${RUNS} done`);
}
const rows = new Map<string, Map<string, string>>();
for (const key of Object.keys(runs[0])) {
  const [row, column] = key.split("|");
  const values = runs.map((figures) => figures[key]);
  const [mid, low, high] = [median(values), Math.min(...values), Math.max(...values)];
  const cell = `${format(key, mid)} [${format(key, low)} to ${format(key, high)}]`;
  rows.set(row, (rows.get(row) ?? new Map()).set(column, cell));
}
const columns = [...new Set([...rows.values()].flatMap((cells) => [...cells.keys()]))];
console.log(`\n| server | ${columns.join(" | ")} |\n| --- |${" --- |".repeat(columns.length)}`);
for (const [row, cells] of rows)
  console.log(`| ${row} | ${columns.map((column) => cells.get(column) ?? "").join(" | ")} |`);
console.log(
  `\nnode ${process.version}, ${process.platform} ${process.arch}; kept: what the server's heap ` +
    `(after a full collection) and Redis's resident memory grew by over ${KEPT.toLocaleString("en")} ` +
    "messages to one subscriber",
);
