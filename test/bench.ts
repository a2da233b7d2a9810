// npm run bench: what Socket.IO costs, in figures. A script, not a test: it starts each server in a process of its
// own, drives it from this one over 127.0.0.1, and prints one table: the median of RUNS runs, min and max beside it.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { connect, type Socket } from "node:net";
import { setImmediate as yieldToIo, setTimeout as sleep } from "node:timers/promises";
import { io } from "socket.io-client";
import { freePort, startRedisServer } from "../classroom/redis-server.ts";

const RUNS = Number(process.env.RUNS ?? 5);
const FANOUTS = [1, 10, 100]; // subscribers
const SECONDS = 1; // each throughput measurement
const BATCH = 50; // messages the publisher writes at a time
const WINDOW = 1000; // messages the publisher may be ahead of its slowest subscriber, so no queue grows without bound
const PAD = "x".repeat(80); // with the event name and a number or two, a message is about 100 bytes

interface Server {
  name: string;
  port: number;
  memory(): Promise<number>;
  stop(): Promise<unknown>;
}
interface Subscriber {
  count(): number;
  close(): void;
}
interface Publisher {
  send(texts: string[]): void;
  close(): void;
}
interface Protocol {
  subscribe(port: number, onSent?: (ms: number) => void): Promise<Subscriber>;
  publish(port: number): Promise<Publisher>;
}

// Every message has the same length, so the k-th one starts at byte k × size of a subscriber's stream: count
// messages by bytes, and for latency read each one's send time at a known place, without parsing the rest.
function frames(size: number, at: number, onSent?: (ms: number) => void) {
  let bytes = 0;
  let partial = Buffer.alloc(0);
  return {
    read(chunk: Buffer) {
      bytes += chunk.length;
      if (!onSent) return;
      const data = partial.length ? Buffer.concat([partial, chunk]) : chunk;
      let start = 0;
      for (; start + size <= data.length; start += size)
        onSent(Number(data.toString("latin1", start + at, start + at + 14)));
      partial = Buffer.from(data.subarray(start));
    },
    count: () => Math.floor(bytes / size),
  };
}

// Raw TCP lines, as the TCP lesson speaks them.
const tcpLine = (text: string) => `create ${text}\n`;
const tcp: Protocol = {
  async subscribe(port, onSent) {
    const stream = frames(tcpLine(PAD).length, "create ".length, onSent);
    const socket = await tcpConnect(port, stream.read);
    return { count: stream.count, close: () => socket.destroy() };
  },
  async publish(port) {
    const socket = await tcpConnect(port, () => {}); // the lesson server echoes to the sender too
    return {
      send: (texts) => void socket.write(texts.map(tcpLine).join("")),
      close: () => socket.destroy(),
    };
  },
};

// Redis pub/sub over its own protocol, RESP, written by hand: PUBLISH and SUBSCRIBE are all we need.
const redisFrame = (text: string) =>
  `*3\r\n$7\r\nmessage\r\n$6\r\nevents\r\n$${text.length}\r\n${text}\r\n`;
const redis: Protocol = {
  async subscribe(port, onSent) {
    const frame = redisFrame(PAD);
    const stream = frames(frame.length, frame.length - 2 - PAD.length, onSent);
    let reply = "*3\r\n$9\r\nsubscribe\r\n$6\r\nevents\r\n:1\r\n".length; // bytes of the SUBSCRIBE reply still to come
    const socket = await tcpConnect(port, (chunk) => {
      const skip = Math.min(reply, chunk.length);
      reply -= skip;
      if (skip < chunk.length) stream.read(chunk.subarray(skip));
    });
    socket.write("*2\r\n$9\r\nSUBSCRIBE\r\n$6\r\nevents\r\n");
    while (reply > 0) await yieldToIo();
    return { count: stream.count, close: () => socket.destroy() };
  },
  async publish(port) {
    const socket = await tcpConnect(port, () => {}); // one reply per PUBLISH: how many subscribers got it
    const command = (text: string) =>
      `*3\r\n$7\r\nPUBLISH\r\n$6\r\nevents\r\n$${text.length}\r\n${text}\r\n`;
    return {
      send: (texts) => void socket.write(texts.map(command).join("")),
      close: () => socket.destroy(),
    };
  },
};

// Socket.IO, as the lesson's clients speak it: speak in, message out (the lesson wraps it as { from, speech }).
const socketIo: Protocol = {
  async subscribe(port, onSent) {
    const socket = io(`http://127.0.0.1:${port}`, {
      forceNew: true,
      reconnection: false,
      transports: ["websocket"],
    });
    let count = 0;
    socket.on("message", (message: string | { speech: string }) => {
      count += 1;
      if (onSent)
        onSent(Number((typeof message === "string" ? message : message.speech).slice(0, 14)));
    });
    await once(socket as never, "connect");
    return { count: () => count, close: () => void socket.disconnect() };
  },
  async publish(port) {
    const socket = io(`http://127.0.0.1:${port}`, {
      forceNew: true,
      reconnection: false,
      transports: ["websocket"],
    });
    await once(socket as never, "connect");
    return {
      send: (texts) => texts.forEach((text) => socket.emit("speak", text)),
      close: () => void socket.disconnect(),
    };
  },
};

// A raw TCP client that reads into one reused buffer, so the driver spends little on what it receives.
async function tcpConnect(port: number, received: (chunk: Buffer) => void): Promise<Socket> {
  const buffer = Buffer.alloc(1 << 20);
  const onread = { buffer, callback: (n: number) => (received(buffer.subarray(0, n)), true) };
  const socket = connect({ port, host: "127.0.0.1", noDelay: true, onread });
  await once(socket, "connect");
  return socket;
}

// Deliveries a second: one publisher as fast as its slowest subscriber allows, fanned out to every subscriber.
async function throughput(protocol: Protocol, port: number, fanout: number) {
  const subscribers = await Promise.all(
    Array.from({ length: fanout }, () => protocol.subscribe(port)),
  );
  const publisher = await protocol.publish(port);
  const batch = Array.from({ length: BATCH }, () => PAD);
  const slowest = () => Math.min(...subscribers.map((s) => s.count()));
  const delivered = () => subscribers.reduce((sum, s) => sum + s.count(), 0);
  let sent = 0;
  const publishUntil = async (deadline: number) => {
    while (performance.now() < deadline) {
      if (sent - slowest() < WINDOW) {
        publisher.send(batch);
        sent += BATCH;
      } else await yieldToIo();
    }
    while (slowest() < sent) await yieldToIo();
  };
  await publishUntil(performance.now() + 200); // warm up
  const [start, before] = [performance.now(), delivered()];
  await publishUntil(start + SECONDS * 1000);
  const rate = ((delivered() - before) / (performance.now() - start)) * 1000;
  for (const client of [publisher, ...subscribers]) client.close();
  return rate;
}

// Publish-to-receive latency at a steady rate: each message carries the time it was sent.
async function latency(
  protocol: Protocol,
  port: number,
  { fanout = 10, perSecond = 1000, seconds = 3, warmUp = 1 } = {},
) {
  const samples: number[] = [];
  const receive = (sentAt: number) => samples.push(performance.now() - sentAt);
  const subscribers = await Promise.all(
    Array.from({ length: fanout }, () => protocol.subscribe(port, receive)),
  );
  const publisher = await protocol.publish(port);
  const start = performance.now();
  let sent = 0;
  const timer = setInterval(() => {
    // every millisecond or so, send what is due: the loop sleeps in between
    const due = Math.floor(((performance.now() - start) * perSecond) / 1000);
    for (; sent < due; sent++)
      publisher.send([`${performance.now().toFixed(4).padStart(14, "0")} ${PAD.slice(15)}`]);
  }, 1);
  await sleep(seconds * 1000);
  clearInterval(timer);
  const deadline = performance.now() + 2000;
  while (samples.length < sent * fanout && performance.now() < deadline) await yieldToIo();
  for (const client of [publisher, ...subscribers]) client.close();
  const steady = samples
    .slice(Math.floor((samples.length * warmUp) / seconds))
    .sort((a, b) => a - b); // after warming up
  return {
    p50: steady[Math.floor(steady.length * 0.5)],
    p99: steady[Math.floor(steady.length * 0.99)],
  };
}

// The server's resident memory grown per idle connection, over a thousand of them, each read after a full collection.
async function memoryPerClient(protocol: Protocol, server: Server, clients = 1000) {
  const before = await server.memory();
  const connected: Subscriber[] = [];
  for (let i = 0; i < clients; i += 50) {
    connected.push(
      ...(await Promise.all(Array.from({ length: 50 }, () => protocol.subscribe(server.port)))),
    );
  }
  await sleep(300); // let the server finish its side of the last handshakes
  const after = await server.memory();
  for (const client of connected) client.close();
  return (after - before) / clients;
}

const rss = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]) * 1024;

// The servers, each in its own process. A lesson server is started exactly as its npm script would, less the watch.
async function startScript(
  name: string,
  file: string,
  env: Record<string, string> = {},
): Promise<Server> {
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
  return { name, port, memory, stop: () => stop(child) };
}

async function startRedis(): Promise<Server | undefined> {
  if (spawnSync("redis-server", ["--version"]).error) return undefined;
  const port = await freePort();
  const child = await startRedisServer(port);
  return { name: "redis", port, memory: async () => rss(child.pid ?? 0), stop: () => stop(child) };
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  await once(child, "exit");
}

// One run: every figure of the table once, with every server started fresh and stopped after.
async function run(withRedis: boolean) {
  const figures: Record<string, number> = {};
  const servers: [string, Protocol, () => Promise<Server | undefined>][] = [
    ["TCP lesson", tcp, () => startScript("tcp", "tcp-demo/server.ts")],
    ["Redis pub/sub", redis, () => (withRedis ? startRedis() : Promise.resolve(undefined))],
    [
      "Socket.IO lesson",
      socketIo,
      () => startScript("socketio", "socketio-demo/server.ts", { ADMIN_UI: "off" }),
    ],
    ["Socket.IO minimal", socketIo, () => startScript("minimal", "test/bench-minimal-server.ts")],
    [
      "Socket.IO minimal + receipt",
      socketIo,
      () => startScript("minimal", "test/bench-minimal-server.ts", { RECEIPT: "on" }),
    ],
    [
      "Socket.IO lesson + Admin UI",
      socketIo,
      () => startScript("socketio", "socketio-demo/server.ts"),
    ],
  ];
  const throughputOnly = ["Socket.IO minimal + receipt", "Socket.IO lesson + Admin UI"];
  for (const [name, protocol, start] of servers) {
    const server = await start();
    if (!server) continue;
    try {
      const full = !throughputOnly.includes(name);
      if (full)
        figures[`${name}|memory per idle connection`] = await memoryPerClient(protocol, server); // while it is fresh
      for (const fanout of FANOUTS)
        figures[`${name}|deliveries/s, N=${fanout}`] = await throughput(
          protocol,
          server.port,
          fanout,
        );
      if (!full) continue;
      const { p50, p99 } = await latency(protocol, server.port);
      figures[`${name}|p50 ms`] = p50;
      figures[`${name}|p99 ms`] = p99;
    } finally {
      await server.stop();
    }
  }
  for (const fanout of FANOUTS) {
    const per = (name: string) => figures[`${name}|deliveries/s, N=${fanout}`];
    if (withRedis)
      figures[`TCP lesson / Redis|deliveries/s, N=${fanout}`] =
        per("TCP lesson") / per("Redis pub/sub");
    figures[`Socket.IO lesson / minimal|deliveries/s, N=${fanout}`] =
      per("Socket.IO lesson") / per("Socket.IO minimal");
    figures[`Socket.IO lesson / minimal + receipt|deliveries/s, N=${fanout}`] =
      per("Socket.IO lesson") / per("Socket.IO minimal + receipt");
  }
  return figures;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function format(key: string, value: number) {
  if (key.includes(" / ")) return `${value.toFixed(2)}x`;
  if (key.includes("ms")) return value.toFixed(3);
  if (key.includes("memory")) return `${(value / 1024).toFixed(1)} KiB`;
  return value >= 1e6 ? `${(value / 1e6).toFixed(2)}M` : `${(value / 1e3).toFixed(0)}k`;
}

const withRedis = !spawnSync("redis-server", ["--version"]).error;
if (!withRedis)
  console.log(
    "redis-server is not installed (apt-get install redis-server): no Redis yardstick this time.",
  );
console.log(
  `${RUNS} runs, each figure the median [min to max]; ratios are taken within each run. This takes a few minutes.`,
);
const runs: Record<string, number>[] = [];
for (let i = 0; i < RUNS; i++) {
  runs.push(await run(withRedis));
  process.stdout.write(`run ${i + 1} of ${RUNS} done\n`);
}

const rows = new Map<string, Map<string, string>>();
for (const key of Object.keys(runs[0])) {
  const [row, column] = key.split("|");
  const values = runs.map((figures) => figures[key]);
  const cell = `${format(key, median(values))} [${format(key, Math.min(...values))} to ${format(key, Math.max(...values))}]`;
  rows.set(row, (rows.get(row) ?? new Map()).set(column, cell));
}
const columns = [...new Set([...rows.values()].flatMap((cells) => [...cells.keys()]))];
console.log(`\n| server | ${columns.join(" | ")} |\n| --- |${" --- |".repeat(columns.length)}`);
for (const [row, cells] of rows)
  console.log(`| ${row} | ${columns.map((column) => cells.get(column) ?? "").join(" | ")} |`);
console.log(
  `\nnode ${process.version}, ${process.platform} ${process.arch}; latency at 1,000 messages/s to 10 subscribers; memory over 1,000 idle clients`,
);
