import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { cp, mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { on, once, type EventEmitter } from "node:events";
import { randomBytes } from "node:crypto";
import { request } from "node:http";
import { connect, createServer as createNetServer } from "node:net";
import { io, type Socket as ClientSocket } from "socket.io-client";
import { createClient } from "redis";
import { COMPILED } from "./compiled.ts";
import { freePort as freeLoopbackPort, startRedisServer } from "../classroom/redis-server.ts";
import { expect, type TestContext } from "vitest";

// What a helper needs of the test that calls it: its own cleanups, so that tests can run at once.
export type Context = Pick<TestContext, "onTestFinished">;
// and, of a test that starts a script, its tags (below)
export type ProcessContext = Context & Pick<TestContext, "task">;

// An app in a child process speaks at this pace (TICK_MS), not the lesson's: tests need not wait.
export const FAST = { TICK_MS: "100" };

// Every wait is bounded, and the bounds are generous: they cost nothing when things are fast, and a
// loaded 2-core machine can take seconds to start a child process.
export const WAIT_MS = 5000;
export const START_MS = 20_000; // for what a child process prints
// for what a lesson's last process prints, when each of its processes starts once the one before is up:
// npm run delivery is a watcher, a Redis, the server under tsx, then its clients
export const LESSON_MS = 45_000;

// Collects printed lines; until() resolves once the lines satisfy a condition, or fails saying what it had.
export function recorder(name = "recorder", defaultMs = WAIT_MS) {
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  return {
    lines,
    line: (text: string) => {
      lines.push(text);
      for (const check of waiters) check();
    },
    until(
      want: number | RegExp | ((lines: string[]) => boolean),
      ms = defaultMs,
    ): Promise<string[]> {
      const done =
        typeof want === "number"
          ? () => lines.length >= want
          : want instanceof RegExp
            ? () => lines.some((line) => want.test(line))
            : () => want(lines);
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!done()) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(lines);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `${name}: waited ${ms} ms for ${String(want)}, got ${lines.length} lines: ${JSON.stringify(lines)}`,
            ),
          );
        }, ms);
        waiters.add(check);
        check();
      });
    },
  };
}

export async function waitFor(emitter: EventEmitter, event: string, ms = WAIT_MS) {
  return once(emitter, event, { signal: AbortSignal.timeout(ms) }).catch((error: Error) => {
    throw new Error(`waited ${ms} ms for "${event}": ${error.message}`);
  });
}

// Resolves with the id of the first socket to join the room: every socket also joins a room named after
// its own id as it connects, so any "join-room" will not do.
export async function joinedRoom(adapter: EventEmitter, room: string, ms = WAIT_MS) {
  try {
    for await (const [joined, id] of on(adapter, "join-room", {
      signal: AbortSignal.timeout(ms),
    })) {
      if (joined === room) return id as string;
    }
  } catch {
    throw new Error(`waited ${ms} ms for a socket to join the room ${room}`);
  }
}

// A copy of some of the project's folders to edit, in the ignored scratch/ inside the project, so
// that its imports of packages resolve as the real files' do; removed after the test.
export async function scratchCopy(t: Context, ...folders: string[]) {
  await mkdir("scratch", { recursive: true });
  const copy = await mkdtemp(join("scratch", "copy-"));
  t.onTestFinished(() => rm(copy, { recursive: true, force: true }));
  for (const folder of folders) await cp(folder, join(copy, folder), { recursive: true });
  return copy;
}

// A port that nothing listens on, for a server a test starts later. It is taken below the range the
// system lends to outgoing connections: a port from that range, free when checked, can be taken by
// some connection before the server listens. Each Vitest worker draws from 4,000 ports of its own,
// and never hands one out twice: two tests that drew the same port at once would both find it free.
const handedOut = new Set<number>();
export async function freePort(): Promise<number> {
  const worker = (Number(process.env.VITEST_POOL_ID) || 1) % 3;
  const port = 20_000 + worker * 4000 + Math.floor(Math.random() * 4000);
  if (handedOut.has(port)) return freePort();
  handedOut.add(port);
  const probe = createNetServer().listen(port, "0.0.0.0");
  const free = await once(probe, "listening").then(
    () => true,
    () => false,
  );
  if (free) await new Promise((done) => probe.close(done));
  return free ? port : freePort();
}

// A raw TCP client standing for `nc`: what it hears is recorded line by line.
export async function tcpClient(t: Context, port: number) {
  const socket = connect({ port, host: "127.0.0.1" });
  t.onTestFinished(() => void socket.destroy());
  await waitFor(socket, "connect");
  const heard = recorder("tcp client");
  eachLine(socket, heard.line);
  socket.on("error", () => {}); // the tests below provoke resets on purpose
  return { socket, heard, send: (text: string | Buffer) => socket.write(text) };
}

// A lesson script run as a terminal would (`tsx <file>`, or a server under watch as its npm script runs it), read
// line by line, stopped with SIGTERM.
// A JavaScript file (a step the test has stripped of its types) runs with node alone.
export function runScript(
  t: ProcessContext,
  file: string,
  env: Record<string, string> = {},
  { watch = "", args = [] as string[] } = {},
) {
  if (watch) {
    // as npm run <lesson>:server runs it: classroom/watch.ts, its types stripped as below, runs tsx
    // watch on the file, whose every start runs under tsx
    const watcher = join(COMPILED, "classroom", "watch.mjs");
    return runCommand(t, process.execPath, [watcher, watch, file, ...args], env, file);
  }
  // the repository's own scripts as test/compiled.ts left them, types stripped; the rest as they are
  const script = /^(classroom|check|tcp-demo|socketio-[\w-]+)\/.*\.ts$/.test(file)
    ? join(COMPILED, file.replace(/\.ts$/, ".mjs"))
    : file;
  const loader = script.endsWith(".ts") ? ["--import", "tsx"] : [];
  return runCommand(t, process.execPath, [...loader, script, ...args], env, file);
}

// A file as the class runs a server it types, `npx tsx watch --clear-screen=false live/server.ts`:
// each save of the file restarts it.
export function runWatched(t: ProcessContext, file: string, env: Record<string, string> = {}) {
  const tsx = new URL("../node_modules/tsx/dist/cli.mjs", import.meta.url).pathname;
  const args = [tsx, "watch", "--clear-screen=false", file];
  return runCommand(t, process.execPath, args, env, `tsx watch ${file}`);
}

// An npm script's own command, as npm runs it but without npm: node and tsx are this Node and the
// project's tsx.
export function runScriptCommand(
  t: ProcessContext,
  script: string,
  args: string[] = [],
  { ownGroup = false, env = {} as Record<string, string> } = {},
) {
  const scripts = JSON.parse(readFileSync("package.json", "utf8")).scripts as Record<
    string,
    string
  >;
  const [command, ...rest] = scripts[script].split(" ");
  const tsx = new URL("../node_modules/tsx/dist/cli.mjs", import.meta.url).pathname;
  const start = command === "tsx" ? [tsx] : [];
  const name = `npm run ${script}`;
  return runCommand(t, process.execPath, [...start, ...rest, ...args], env, name, ownGroup);
}

// An npm script as a student types it, in a process group of its own, so that stop() is Ctrl-C: SIGINT
// to the script and every process it started.
export function runNpm(t: ProcessContext, script: string, args: string[] = []) {
  const npm = ["run", "-s", script, "--", ...args];
  return runCommand(t, "npm", npm, {}, `npm run ${script}`, true);
}

function runCommand(
  t: ProcessContext,
  command: string,
  args: string[],
  env: Record<string, string>,
  name: string,
  ownGroup = false,
) {
  // npm run test:quick leaves out the tests tagged processes: the tag must be true
  if (!t.task.tags?.includes("processes"))
    throw new Error(
      `"${t.task.name}" starts ${name}: a test that starts a script is ` +
        `test(name, { tags: ["processes"] }, fn), so that npm run test:quick leaves it out`,
    );
  const child = spawn(command, args, {
    env: { ...process.env, ...env, FORCE_COLOR: "0" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: ownGroup,
  });
  const out = recorder(name, START_MS);
  eachLine(child.stdout, out.line);
  eachLine(child.stderr, out.line);
  // "close" comes after the output is read to its end, unlike "exit"
  const closed = once(child, "close") as Promise<[number | null, NodeJS.Signals | null]>;
  // the code it exits with, or a failure that says it never did
  const exitCode = async (ms = START_MS) => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${name} still runs after ${ms} ms`)), ms);
    });
    const [code] = await Promise.race([closed, late]).finally(() => clearTimeout(timer));
    return code;
  };
  const stop = () => {
    if (child.exitCode !== null || child.signalCode !== null) return exitCode();
    if (ownGroup) process.kill(-(child.pid ?? 0), "SIGINT");
    else child.kill("SIGTERM");
    return exitCode();
  };
  t.onTestFinished(async () => void (await stop()));
  return { child, out, exitCode, stop };
}

function eachLine(stream: NodeJS.ReadableStream, onLine: (line: string) => void) {
  let unfinished = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    const lines = (unfinished + chunk).split("\n");
    unfinished = lines.pop() ?? "";
    for (const line of lines) onLine(line);
  });
}

// The processes of a group still running (zombies waiting to be reaped do not count), read from /proc:
// Linux only, where CI runs; elsewhere it finds none.
export function stillRunning(group = 0) {
  const pids = existsSync("/proc") ? readdirSync("/proc").filter((pid) => /^\d+$/.test(pid)) : [];
  return pids.filter((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const [state, , processGroup] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return Number(processGroup) === group && state !== "Z";
    } catch {
      return false; // gone while we looked
    }
  });
}

// Everything up to the sentinel, which proves nothing else was on its way; what came after it belongs to later events.
export const upTo = (lines: string[], sentinel: RegExp) =>
  lines.slice(0, lines.findIndex((line) => sentinel.test(line)) + 1);

export const withoutTime = (line: string) => line.replace(/^\d\d:\d\d:\d\d /, "");

// A Socket.IO handshake as a web page would start it, over polling or as a WebSocket upgrade, with the
// Host and Origin the test chooses: the status the server answers, and its CORS header.
export function handshake(
  port: number,
  headers: Record<string, string>,
  transport: "polling" | "websocket" = "polling",
) {
  const key = randomBytes(16).toString("base64");
  const upgrade = { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13" };
  const extra = transport === "websocket" ? { ...upgrade, "sec-websocket-key": key } : {};
  const path = `/socket.io/?EIO=4&transport=${transport}`;
  return new Promise<{ status: number; allowOrigin?: string }>((resolve, reject) => {
    const options = {
      host: "127.0.0.1",
      port,
      path,
      headers: { ...extra, ...headers },
      agent: false,
    };
    const asked = request(options);
    asked.on("upgrade", (response, socket) => {
      socket.destroy();
      resolve({ status: response.statusCode ?? 0 });
    });
    asked.on("response", (response) => {
      response.resume();
      const allowOrigin = response.headers["access-control-allow-origin"];
      resolve({ status: response.statusCode ?? 0, allowOrigin });
    });
    asked.on("error", reject);
    asked.setTimeout(WAIT_MS, () => asked.destroy(new Error(`no answer in ${WAIT_MS} ms`)));
    asked.end();
  });
}

// A page of a lesson server, asked for with the Host the test chooses (the request goes to 127.0.0.1).
export function get(port: number, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const asked = request({ host: "127.0.0.1", port, path, headers, agent: false }, (response) => {
      let text = "";
      response.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, text }));
    });
    asked.on("error", reject);
    asked.setTimeout(WAIT_MS, () => asked.destroy(new Error(`no answer in ${WAIT_MS} ms`)));
    asked.end();
  });
}

// Emits an event with an acknowledgement, as a browser tool or a student's client would.
export function ask(socket: ClientSocket, event: string, ...args: unknown[]) {
  return socket.timeout(WAIT_MS).emitWithAck(event, ...args);
}

// A Socket.IO client standing for one more terminal or a browser tool: its own connection, no reconnection.
export async function ioClient(t: Context, port: number, namespace = "/") {
  const socket: ClientSocket = io(`http://localhost:${port}${namespace}`, {
    forceNew: true,
    reconnection: false,
  });
  t.onTestFinished(() => void socket.disconnect());
  const heard = recorder(`client ${namespace}`);
  socket.onAny((event: string, ...args: unknown[]) =>
    heard.line(`${event} ${JSON.stringify(args)}`),
  );
  await waitFor(socket as unknown as EventEmitter, "connect");
  return { socket, heard };
}

// Each lesson's plan, its steps and what the class sees, is the README in the lesson's folder.
export const LESSON_FOLDERS = {
  tcp: "tcp-demo",
  socketio: "socketio-demo",
  namespaces: "socketio-namespaces",
  delivery: "socketio-delivery",
} as const;
export type Lesson = keyof typeof LESSON_FOLDERS;
export const lessonReadme = (lesson: Lesson) =>
  readFileSync(new URL(`../${LESSON_FOLDERS[lesson]}/README.md`, import.meta.url), "utf8");

// A lesson README's output blocks must stay true: each of their lines has the shape of a line the
// scripts printed. `block` is the lesson ("tcp": What you'll see) or one of its steps ("tcp step 2").
export function expectReadmeOutput(block: string, printed: Record<string, string[]>) {
  const lesson = block.split(" ")[0] as Lesson;
  const readme = lessonReadme(lesson);
  const marker = readme.indexOf(`<!-- output: ${block} -->\n\`\`\`text\n`);
  expect(
    marker,
    `${LESSON_FOLDERS[lesson]}/README.md has no output block for ${block}`,
  ).toBeGreaterThan(-1);
  const start = readme.indexOf("\n", readme.indexOf("```text", marker)) + 1;
  const shown = readme.slice(start, readme.indexOf("\n```", start)).split("\n");
  const real = new Set(
    Object.entries(printed).flatMap(([label, lines]) =>
      lines.map((line) => shape(`[${label}] ${line}`)),
    ),
  );
  for (const line of shown)
    expect(real, `README line never printed by the ${block} scripts:\n${line}`).toContain(
      shape(line),
    );
}

const shape = (line: string) =>
  line
    .replace(/, or from another machine: .*$/, "") // this machine's addresses, if it has any
    .replace(/ -- --port \d+/g, "")
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\b\d\d:\d\d:\d\d\b/g, "TIME")
    .replace(/(?<![\w-])[\w-]{20}(?![\w-])/g, "ID") // Socket.IO socket ids, which may start or end with "-"
    .replace(/\b[0-9a-f]{6}\b/g, "ID") // TCP pool ids
    .replace(/\b(create|update|delete)\b/g, "EVENT")
    .replace(/\d+/g, "N");

// A test that needs redis-server is skipped where none is installed, and says why; CI installs one, so
// there it fails instead. Asked once per worker: the answer blocks every test running at the time.
let redisInstalled: boolean | undefined;
export function needRedisServer(context: { skip: (note: string) => never }) {
  redisInstalled ??= !spawnSync("redis-server", ["--version"]).error;
  if (redisInstalled) return;
  if (process.env.CI)
    throw new Error("redis-server is not installed: apt-get install redis-server");
  context.skip("redis-server is not installed (apt-get install redis-server)");
}

// A count of a Redis's clients, as an observer, itself one of them, sees it.
export async function redisClients(t: Context, url: string) {
  const observer = createClient({ url });
  await observer.connect();
  t.onTestFinished(() => observer.destroy());
  return async () => /connected_clients:(\d+)/.exec(await observer.info("clients"))?.[1];
}

// A private redis-server on a free loopback port for the tests that need a real one, stopped after the test.
export async function startRedis(context: Context & { skip: (note: string) => never }) {
  needRedisServer(context);
  const port = await freeLoopbackPort();
  let child: ChildProcess | undefined;
  const start = async () => void (child = await startRedisServer(port));
  const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill(signal);
    await exited;
  };
  await start();
  context.onTestFinished(() => stop());
  return { url: `redis://127.0.0.1:${port}`, start, stop };
}
