// npm run bench: what Socket.IO costs, in figures, measured on the server. A script, not a test: it
// starts each server in a process of its own, drives them all from this one over 127.0.0.1, and
// reads each server's own CPU time from /proc, so that a figure says which side set the pace.
// --quick: one short run, to prove that it works (CI runs it).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { createInterface } from "node:readline";
import { setImmediate as yieldToIo, setTimeout as sleep } from "node:timers/promises";
import { freePort, startRedisServer } from "../classroom/redis-server.ts";
import { PAD, redis, socketIo, stamped, tcp, type Protocol } from "./bench-clients.ts";
import type { Subscriber, Watch } from "./bench-clients.ts";

const QUICK = process.argv.includes("--quick");
const RUNS = Number(process.env.RUNS ?? (QUICK ? 1 : 3));
const FANOUTS = QUICK ? [1, 10] : [1, 10, 100]; // subscribers
const SECONDS = QUICK ? 0.3 : 1; // each throughput measurement, after a warm-up of its own
const LATENCY = QUICK ? { seconds: 1, warmUp: 0.5 } : { seconds: 3, warmUp: 1 };
const IDLE_CLIENTS = QUICK ? 200 : 1000;
const BATCH = 50; // messages the publisher writes at a time
const WINDOW = 1000; // messages the publisher may be ahead of its slowest subscriber
const BUSY = 0.85; // a process using this share of a core or more is what set the pace
const TICKS = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout) || 100;

interface Server {
  name: string;
  protocol: Protocol;
  port: number;
  pid: number;
  full: boolean; // memory and latency too, not throughput alone
  memory(): Promise<number>;
  longestPause?(): Promise<number>; // a Node server's longest GC pause since it was last asked
  stop(): Promise<unknown>;
}

// A process's CPU time so far in seconds, user and system, all its threads: from /proc, for Redis
// as for Node, so that every server is measured alike.
function cpuSeconds(pid: number) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // from the third field on
  return (Number(fields[11]) + Number(fields[12])) / TICKS; // utime and stime
}
// npm run bench gives node --expose-gc
const collectGarbage = () => (globalThis as { gc?: () => void }).gc?.();
const driverSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

async function connectMany(server: Server, count: number, watch?: Watch) {
  const clients: Subscriber[] = [];
  for (let i = 0; i < count; i += 50) {
    const some = Math.min(50, count - i);
    const subscribe = () => server.protocol.subscribe(server.port, watch);
    clients.push(...(await Promise.all(Array.from({ length: some }, subscribe))));
  }
  return clients;
}

// Deliveries a second, one publisher as fast as its slowest subscriber allows, and what each side
// spent: the server's CPU per delivery, and the share of a core that the server and this driver used.
async function throughput(server: Server, fanout: number, seconds = SECONDS) {
  // The driver sleeps until a subscriber reads, so that its CPU is the work it does, not waiting
  let [moved, stalled] = [() => {}, (_: Error) => {}];
  const readSome = () => new Promise<void>((done, failed) => ([moved, stalled] = [done, failed]));
  const subscribers = await connectMany(server, fanout, { onRead: () => moved() });
  const publisher = await server.protocol.publish(server.port);
  const batch = Array.from({ length: BATCH }, () => PAD);
  const slowest = () => Math.min(...subscribers.map((s) => s.count()));
  const delivered = () => subscribers.reduce((sum, s) => sum + s.count(), 0);
  let [sent, seen] = [0, -1];
  const watchdog = setInterval(() => {
    if (delivered() === seen) stalled(new Error(`${server.name}: nothing delivered for 5 s`));
    seen = delivered();
  }, 5000);
  const publishUntil = async (deadline: number) => {
    while (performance.now() < deadline) {
      if (sent - slowest() < WINDOW) {
        publisher.send(batch);
        sent += BATCH;
      } else await readSome();
    }
    while (slowest() < sent) await readSome();
  };
  await publishUntil(performance.now() + 200); // the connections warm up
  const start = { at: performance.now(), n: delivered(), server: cpuSeconds(server.pid) };
  const driverStart = driverSeconds();
  await publishUntil(start.at + seconds * 1000);
  const wall = (performance.now() - start.at) / 1000;
  const [n, serverCpu] = [delivered() - start.n, cpuSeconds(server.pid) - start.server];
  const driverCpu = driverSeconds() - driverStart;
  clearInterval(watchdog);
  for (const client of [publisher, ...subscribers]) client.close();
  return {
    rate: n / wall,
    cpuPerDelivery: (serverCpu / n) * 1e6, // microseconds
    serverShare: serverCpu / wall,
    driverShare: driverCpu / wall,
  };
}
type Throughput = Awaited<ReturnType<typeof throughput>>;
// Which side set the pace: the one at a full core, or both, the machine's two cores being full
const PACE = { "00": "neither", "10": "server", "01": "driver", "11": "both" } as const;
const bottleneck = ({ serverShare, driverShare }: Throughput) =>
  PACE[`${Number(serverShare >= BUSY)}${Number(driverShare >= BUSY)}` as keyof typeof PACE];

// Publish-to-receive latency at a steady rate: each message carries the time it was sent.
async function latency(server: Server, { fanout = 10, perSecond = 1000 } = {}) {
  const { seconds, warmUp } = LATENCY;
  collectGarbage(); // now, rather than in the middle: a pause of the driver's is in every sample
  const samples: number[] = [];
  const onSent = (at: number) => void samples.push(performance.now() - at);
  const subscribers = await connectMany(server, fanout, { onSent });
  const publisher = await server.protocol.publish(server.port);
  const start = performance.now();
  let sent = 0;
  const timer = setInterval(() => {
    // every millisecond or so, send what is due: the loop sleeps in between
    const due = Math.floor(((performance.now() - start) * perSecond) / 1000);
    for (; sent < due; sent++) publisher.send([stamped()]);
  }, 1);
  await sleep(warmUp * 1000);
  await server.longestPause?.(); // from now on
  await sleep((seconds - warmUp) * 1000);
  const pause = await server.longestPause?.();
  clearInterval(timer);
  const deadline = performance.now() + 2000;
  while (samples.length < sent * fanout && performance.now() < deadline) await yieldToIo();
  for (const client of [publisher, ...subscribers]) client.close();
  const steady = samples.slice(Math.floor((samples.length * warmUp) / seconds)); // warmed up
  steady.sort((a, b) => a - b);
  return {
    p50: steady[Math.floor(steady.length * 0.5)],
    p99: steady[Math.floor(steady.length * 0.99)],
    pause, // the server's longest GC pause meanwhile: none for Redis
  };
}

// The server's resident memory grown per idle connection, each read after a full collection.
async function memoryPerClient(server: Server) {
  const before = await server.memory();
  const clients = await connectMany(server, IDLE_CLIENTS);
  await sleep(300); // the server finishes its side of the last handshakes
  const after = await server.memory();
  for (const client of clients) client.close();
  return (after - before) / IDLE_CLIENTS;
}

const rss = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]) * 1024;

// A lesson server is started as its npm script would, less the watch.
async function startScript(name: string, file: string, env: Record<string, string> = {}) {
  const args = ["--expose-gc", "--import", "tsx", "--import", "./test/bench-memory.ts", file];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", ...env },
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
  const memory = () => (child.kill("SIGUSR2"), next(/^bench: rss (\d+)$/));
  const longestPause = () => (child.kill("SIGWINCH"), next(/^bench: gc \S+ (\S+)$/));
  const protocol = file.startsWith("tcp") ? tcp : socketIo;
  const full = !name.includes("+");
  return {
    name,
    protocol,
    port,
    pid: child.pid!,
    full,
    memory,
    longestPause,
    stop: () => stop(child),
  };
}

async function startRedis(): Promise<Server> {
  const port = await freePort();
  const child = await startRedisServer(port);
  const pid = child.pid!;
  const memory = async () => rss(pid);
  return {
    name: "Redis pub/sub",
    protocol: redis,
    port,
    pid,
    full: true,
    memory,
    stop: () => stop(child),
  };
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  await once(child, "exit");
}

const withRedis = !spawnSync("redis-server", ["--version"]).error;
const startAll = async () => [
  await startScript("TCP lesson", "tcp-demo/server.ts"),
  ...(withRedis ? [await startRedis()] : []),
  await startScript("Socket.IO lesson", "socketio-demo/server.ts", { ADMIN_UI: "off" }),
  await startScript("Socket.IO minimal", "test/bench-minimal-server.ts"),
  await startScript("Socket.IO minimal + receipt", "test/bench-minimal-server.ts", {
    RECEIPT: "on",
  }),
  await startScript("Socket.IO lesson + Admin UI", "socketio-demo/server.ts"),
];

// One run: every server started fresh and warmed up, then each figure taken of one server after
// another. The list is gone through forwards and backwards in turn, so that neither server of a
// pair compared is always measured first.
async function run(index: number) {
  const figures = new Map<string, number | Throughput>();
  const servers = await startAll();
  let step = index;
  const inTurn = (list: Server[]) => (step++ % 2 ? [...list].reverse() : list);
  try {
    // memory first, of a fresh server: a warmed-up one gives back what its warm-up took
    for (const server of servers.filter((s) => s.full))
      figures.set(`${server.name}|memory`, await memoryPerClient(server));
    for (const server of servers) await throughput(server, 10, SECONDS / 2); // not counted
    // latency before throughput, whose garbage would pause this driver, whatever the server
    for (const server of inTurn(servers.filter((s) => s.full))) {
      const { p50, p99, pause } = await latency(server);
      figures.set(`${server.name}|p50`, p50).set(`${server.name}|p99`, p99);
      if (pause !== undefined) figures.set(`${server.name}|pause`, pause);
    }
    for (const fanout of FANOUTS)
      for (const server of inTurn(servers))
        figures.set(`${server.name}|${fanout}`, await throughput(server, fanout));
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
  return { names: servers.map((s) => s.name), figures };
}

// The median of the runs, the lowest and highest beside it when there are several.
function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const half = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
}
function spread(values: number[], format: (value: number) => string) {
  const range = `[${format(Math.min(...values))} to ${format(Math.max(...values))}]`;
  return values.length > 1 ? `${format(median(values))} ${range}` : format(values[0]);
}
const rate = (v: number) => (v >= 1e6 ? `${(v / 1e6).toFixed(2)}M` : `${(v / 1e3).toFixed(0)}k`);
const micro = (v: number) => `${v < 1 ? v.toFixed(3) : v.toFixed(1)} µs`;
const share = (v: number) => v.toFixed(2);
const times = (v: number) =>
  `${v >= 10 ? v.toFixed(0) : v >= 0.1 ? v.toFixed(2) : v.toPrecision(2)}x`;

const version = (name: string) =>
  JSON.parse(readFileSync(`node_modules/${name}/package.json`, "utf8")).version as string;
const redisVersion = withRedis
  ? /v=(\S+)/.exec(spawnSync("redis-server", ["--version"], { encoding: "utf8" }).stdout)?.[1]
  : "not installed (apt-get install redis-server): no Redis yardstick this time";
console.log(
  `${new Date().toISOString().slice(0, 10)}, ${availableParallelism()} cores, Node ` +
    `${process.version}, socket.io ${version("socket.io")}, Redis ${redisVersion}; ${RUNS} ` +
    `run${RUNS > 1 ? "s, each figure the median [lowest to highest]" : ""}${QUICK ? " (--quick)" : ""}`,
);
const runs: Awaited<ReturnType<typeof run>>[] = [];
for (let i = 0; i < RUNS; i++) {
  runs.push(await run(i));
  console.log(`run ${i + 1} of ${RUNS} done`);
}
const { names } = runs[0];
const all = (key: string) => runs.map(({ figures }) => figures.get(key)!);
const numbers = (key: string) => all(key) as number[];
const cells = (key: string) => all(key) as Throughput[];

console.log(
  `\n| server | subscribers | deliveries/s | server CPU per delivery | server's share of a core | ` +
    "driver's share of a core | what set the pace |\n| --- | --- | --- | --- | --- | --- | --- |",
);
for (const fanout of FANOUTS)
  for (const name of names) {
    const runs = cells(`${name}|${fanout}`);
    const of = (pick: (t: Throughput) => number, format: (v: number) => string) =>
      spread(runs.map(pick), format);
    const paces = [...new Set(runs.map(bottleneck))].join(", then ");
    console.log(
      `| ${name} | ${fanout} | ${of((t) => t.rate, rate)} | ${of((t) => t.cpuPerDelivery, micro)} | ` +
        `${of((t) => t.serverShare, share)} | ${of((t) => t.driverShare, share)} | ${paces} |`,
    );
  }

console.log(
  "\n| server | memory per idle connection | p50 ms | p99 ms | the server's longest GC pause meanwhile, ms |\n| --- | --- | --- | --- | --- |",
);
for (const name of names.filter((n) => runs[0].figures.has(`${n}|memory`)))
  console.log(
    `| ${name} | ${spread(numbers(`${name}|memory`), (v) => `${(v / 1024).toFixed(1)} KiB`)} | ` +
      `${spread(numbers(`${name}|p50`), (v) => v.toFixed(3))} | ` +
      `${spread(numbers(`${name}|p99`), (v) => v.toFixed(3))} | ` +
      `${runs[0].figures.has(`${name}|pause`) ? spread(numbers(`${name}|pause`), (v) => v.toFixed(1)) : ""} |`,
  );

if (withRedis) {
  const ratio = (key: string) => {
    const [tcpRuns, redisRuns] = [numbers(`TCP lesson|${key}`), numbers(`Redis pub/sub|${key}`)];
    return spread(
      tcpRuns.map((v, i) => v / redisRuns[i]),
      times,
    );
  };
  console.log(
    `\nTCP lesson / Redis, latency measured one after the other in each run: p50 ${ratio("p50")}, p99 ${ratio("p99")}`,
  );
}

// Ratios within each run, since the machine is shared: deliveries a second, and server CPU
const pairs = [
  ["Socket.IO lesson", "TCP lesson"],
  ["TCP lesson", "Redis pub/sub"],
  ["Socket.IO lesson", "Socket.IO minimal"],
  ["Socket.IO lesson", "Socket.IO minimal + receipt"],
  ["Socket.IO minimal + receipt", "Socket.IO minimal"],
  ["Socket.IO lesson + Admin UI", "Socket.IO lesson"],
].filter((pair) => pair.every((name) => names.includes(name)));
console.log(
  `\n| pair | ${FANOUTS.map((n) => `N=${n}: deliveries/s, CPU per delivery`).join(" | ")} |\n` +
    `| --- |${" --- |".repeat(FANOUTS.length)}`,
);
for (const [a, b] of pairs) {
  const ratios = FANOUTS.map((fanout) => {
    const [x, y] = [cells(`${a}|${fanout}`), cells(`${b}|${fanout}`)];
    const per = (pick: (t: Throughput) => number) => x.map((t, i) => pick(t) / pick(y[i]));
    return `${spread(
      per((t) => t.rate),
      times,
    )}, ${spread(
      per((t) => t.cpuPerDelivery),
      times,
    )}`;
  });
  console.log(`| ${a} / ${b} | ${ratios.join(" | ")} |`);
}
console.log(
  `\nlatency at 1,000 messages/s to 10 subscribers; memory over ${IDLE_CLIENTS} idle clients; ` +
    `"what set the pace": a process at ${BUSY} of a core or more`,
);
