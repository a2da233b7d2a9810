// npm run bench:reload: the live-coding loop, in figures. For each lesson it starts the server as
// npm run <lesson>:server does (tsx watch, on a copy), connects the lesson's own clients, then saves
// the server file RUNS times and measures how long until every client says it is back.
import { appendFile, cp, mkdir, mkdtemp, rm } from "node:fs/promises";
import { once } from "node:events";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { freePort } from "../classroom/redis-server.ts";

const RUNS = Number(process.env.RUNS ?? 5);
const LESSONS = [
  { name: "TCP", folder: "tcp-demo", clients: ["logger", "app"] },
  { name: "Socket.IO", folder: "socketio-demo", clients: ["logger", "app"] },
  {
    name: "namespaces",
    folder: "socketio-namespaces",
    clients: ["logger", "codefellows-logger", "app"],
    also: ["socketio-demo"], // its server imports the first pass's checks
  },
];

// A script in a process of its own; resolves each wanted line as it is printed.
function run(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env, FORCE_COLOR: "0" },
  });
  const waiting: { test: RegExp; done: () => void }[] = [];
  createInterface({ input: child.stdout }).on("line", (line) => {
    for (const wait of waiting.filter((w) => w.test.test(line))) {
      waiting.splice(waiting.indexOf(wait), 1);
      wait.done();
    }
  });
  const next = (test: RegExp) => new Promise<void>((done) => waiting.push({ test, done }));
  return { child, next, stop: () => (child.kill("SIGTERM"), once(child, "close")) };
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const tsx = join(process.cwd(), "node_modules/tsx/dist/cli.mjs");
await mkdir("scratch", { recursive: true });
console.log(`| lesson | save to every client back: median [min to max] of ${RUNS}, ms |`);
console.log("| --- | --- |");
for (const lesson of LESSONS) {
  const copy = await mkdtemp("scratch/bench-reload-");
  for (const part of [lesson.folder, "classroom", ...(lesson.also ?? [])])
    await cp(part, join(copy, part), { recursive: true });
  const port = String(await freePort());
  const server = run(
    [tsx, "watch", "--clear-screen=false", join(copy, lesson.folder, "server.ts")],
    { PORT: port },
  );
  await server.next(/listening on port/);
  const clients = lesson.clients.map((name) =>
    run(["--import", "tsx", `${lesson.folder}/${name}.ts`], { PORT: port }),
  );
  await Promise.all(clients.map((client) => client.next(/connected to/)));
  const times: number[] = [];
  for (let save = 1; save <= RUNS; save++) {
    const back = clients.map((client) => client.next(/back: reconnected/));
    const saved = performance.now();
    await appendFile(join(copy, lesson.folder, "server.ts"), "\n// saved\n");
    await Promise.all(back);
    times.push(performance.now() - saved);
  }
  const [low, high] = [Math.min(...times), Math.max(...times)].map((ms) => ms.toFixed(0));
  console.log(`| ${lesson.name} | ${median(times).toFixed(0)} [${low} to ${high}] |`);
  await Promise.all([...clients, server].map((script) => script.stop()));
  await rm(copy, { recursive: true, force: true });
}
