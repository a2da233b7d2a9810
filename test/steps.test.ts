// The lesson plans' "Build it up" steps, each run as the instructor types it: every marked code block
// in a lesson folder's README is written where its imports resolve, run as a terminal would run it,
// and held to what that README says.
import type { EventEmitter } from "node:events";
import { appendFile, mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { io } from "socket.io-client";
import { expect, test } from "vitest";
import { KINDS } from "../socketio-demo/events.ts";
import { stripTypes } from "./compiled.ts";
import {
  ask,
  expectReadmeOutput,
  FAST,
  ioClient,
  runScript,
  runWatched,
  freePort,
  scratchCopy,
  startRedis,
  waitFor,
  LESSON_FOLDERS,
  lessonReadme,
  recorder,
  tcpClient,
  upTo,
  type ProcessContext,
  type Lesson,
} from "./helpers.ts";

const LESSONS = Object.keys(LESSON_FOLDERS) as Lesson[];
const MARKED = /<!-- step: (\w+) (\d+) -->\n```ts\n([\s\S]*?)\n```/g;
// Every marked step of every lesson README, with the README it was found in
// (a step is one file, or a few typed together: the delivery lesson's third step is an app and the
// server that answers it)
const steps = LESSONS.flatMap((readme) =>
  [...lessonReadme(readme).matchAll(MARKED)].map(({ 0: _, 1: lesson, 2: n, 3: code, index }) => ({
    readme,
    lesson,
    n: Number(n),
    code,
    file: /^\/\/ (\S+\.ts)/.exec(code)?.[1] ?? "",
    at: index, // where its marker is in the README
  })),
);
const named = (step: { lesson: string; n: number }) => `${step.lesson} ${step.n}`;
const stepNames = [...new Set(steps.map(named))];

test("each lesson has at least three steps, numbered from 1, each a whole file named in its first line", () => {
  for (const step of steps)
    expect(step.lesson, `a step in ${LESSON_FOLDERS[step.readme]}/README.md`).toBe(step.readme);
  for (const lesson of LESSONS) {
    const numbers = steps.filter((step) => step.lesson === lesson).map((step) => step.n);
    const distinct = [...new Set(numbers)];
    expect(distinct.length, lesson).toBeGreaterThanOrEqual(3);
    expect(numbers, lesson).toEqual([...numbers].sort((a, b) => a - b)); // in order
    expect(distinct, lesson).toEqual(distinct.map((_, i) => i + 1));
  }
  for (const step of steps) expect(step.file, named(step)).toMatch(/^live\/[\w-]+\.ts$/);
  for (const name of stepNames) {
    const files = steps.filter((step) => named(step) === name).map((step) => step.file);
    expect(files, `${name}: a file once`).toEqual([...new Set(files)]);
  }
  expect([...stepNames].sort()).toEqual(Object.keys(checks).sort());
});

// What a step says to do with its file: start it (a server under watch, whose screen a save must not
// clear, since the lines the class should see would go with it), save it, or start it again.
test("each step gives the command that runs it, and says what to save or start again", () => {
  for (const lesson of LESSONS) {
    const readme = lessonReadme(lesson);
    expect(readme, lesson).not.toMatch(/npx tsx watch (?!--clear-screen=false )/);
    const typed = new Set<string>();
    for (const step of steps.filter((s) => s.lesson === lesson)) {
      const start = step.at;
      const next = readme.slice(start + 1).search(/<!-- step: |\*\*What the real scripts add/);
      const section = readme.slice(start, start + 1 + next);
      const file = step.file; // live/server.ts, live/app.ts...
      const watched = file === "live/server.ts";
      const command = watched ? `npx tsx watch --clear-screen=false ${file}` : `npx tsx ${file}`;
      const name = `${lesson} step ${step.n}`;
      if (watched && typed.has(file)) expect(section, name).toMatch(/\bsave\b/i);
      else expect(section, name).toContain(command);
      typed.add(file);
    }
  }
});

// The live/ folder as the instructor has it after a step: every file at its latest version so far.
// `npx tsx live/x.ts` strips the types with esbuild and runs node on the rest; the test does the
// same in two steps, once per file, so that no process pays for tsx's loader, which costs more
// than the step's own work.
async function typedUpTo(t: ProcessContext, lesson: string, n: number) {
  const folder = join("scratch", "steps", `${lesson}-${n}`);
  await rm(folder, { recursive: true, force: true });
  t.onTestFinished(() => rm(folder, { recursive: true, force: true }));
  for (const step of steps.filter((s) => s.lesson === lesson && s.n <= n)) {
    await mkdir(dirname(join(folder, step.file)), { recursive: true });
    await writeFile(join(folder, step.file), step.code);
    await writeFile(join(folder, step.file.replace(/\.ts$/, ".mjs")), await stripTypes(step.code));
  }
  const run = async (file: string, args: string[] = [], port?: number) => {
    const script = join(folder, "live", file.replace(/\.ts$/, ".mjs"));
    return runScript(t, script, { PORT: String(port) }, { args });
  };
  // a server as the class runs it, under tsx watch: saved by appending to the file
  const watched = (file: string, env: Record<string, string>) => {
    const typed = join(folder, "live", file);
    return { ...runWatched(t, typed, env), save: () => appendFile(typed, "\n// saved\n") };
  };
  return Object.assign(run, { watched });
}

type Run = Awaited<ReturnType<Awaited<ReturnType<typeof typedUpTo>>>>;
type Check = (
  run: Awaited<ReturnType<typeof typedUpTo>>,
  port: number,
  t: ProcessContext & { skip: (note: string) => never },
) => Promise<Record<string, Run>>;
const listening = (server: Run) => server.out.until(/^listening on port/);
const events = (lines: string[]) => lines.filter((l) => /^(create|update|delete|read) /.test(l));

// The TCP server typed so far, the nc of step 1 still connected, and the step 2 logger: where steps
// 2 to 4 start.
async function serverAndLogger(run: Parameters<Check>[0], port: number, t: ProcessContext) {
  const server = await run("server.ts", [], port);
  await listening(server);
  await tcpClient(t, port); // nc localhost 4000, left connected
  await server.out.until(/connected \(1 in the pool\)$/);
  const logger = await run("logger.ts", [], port);
  await logger.out.until(/^connected to localhost:\d+$/);
  await server.out.until(/connected \(2 in the pool\)$/);
  return { server, logger };
}

// The delivery lesson's step 1 logger: the ids it numbered, in the order heard; and what it says of a
// loss. Its steps speak records, as the app does.
const idsHeard = (lines: string[]) =>
  lines.flatMap((l) => /^#\d+ heard id (\d+)$/.exec(l)?.[1] ?? []).map(Number);
const lost = (lines: string[]) => lines.filter((l) => /^(missed ids|id \d+ again)/.test(l));
const record = (id: number) => ({ id, change: "created", at: new Date().toISOString() });
const count = (pattern: RegExp, times: number) => (lines: string[]) =>
  lines.filter((l) => pattern.test(l)).length >= times;

// The busy store's events as a step server logs them, in the order it passed them on:
// "order from <id>: {...}", or in the second pass "/store order from <id>: {...}".
const isKind = (line: string) => (KINDS as readonly string[]).includes(line.split(" ")[0]);
function passedOn(lines: string[]) {
  return lines.flatMap((line) => {
    const [, kind = "", from, json] = /^(?:\/store )?(\w+) from (\S+): (.*)$/.exec(line) ?? [];
    return isKind(kind) ? [{ kind, from, json }] : [];
  });
}
const handledLine = ({ kind, from, json }: ReturnType<typeof passedOn>[number]) =>
  `handled ${kind} from ${from}: ${json}`;
const isCount = (line: string) => /^received \d+, handled \d+$/.test(line);
// The server has passed on a few of the busy app's events, an order among them: a second or so
const aFewAndAnOrder = (lines: string[]) =>
  passedOn(lines).length >= 3 && passedOn(lines).some(({ kind }) => kind === "order");

const checks: Record<string, Check> = {
  "tcp 1": async (run, port, t) => {
    const server = await run("server.ts", [], port);
    await listening(server);
    const client = await tcpClient(t, port);
    await server.out.until(/^\w{6} connected \(1 in the pool\)$/);
    client.socket.end();
    await server.out.until(/^\w{6} disconnected \(0 in the pool\)$/);
    return { server };
  },
  "tcp 2": (run, port, t) => serverAndLogger(run, port, t),
  "tcp 3": async (run, port, t) => {
    const { server, logger } = await serverAndLogger(run, port, t);
    const [other, sender] = [await tcpClient(t, port), await tcpClient(t, port)];
    sender.send('create {"id":1}\nread 1\nupdate {"id":2}\ndelete sentinel\n');
    const passedOn = ['create {"id":1}', 'update {"id":2}', "delete sentinel"];
    for (const heard of [other.heard, sender.heard, logger.out]) {
      await heard.until(/^delete sentinel$/);
      expect(events(upTo(heard.lines, /^delete sentinel$/))).toEqual(passedOn); // never the read
    }
    await server.out.until(/sent unknown event "read": not passed on$/);
    return { server, logger };
  },
  "tcp 4": async (run, port, t) => {
    const { server, logger } = await serverAndLogger(run, port, t);
    const app = await run("app.ts", [], port);
    const sent = () => app.out.lines.flatMap((l) => /^sent (.*)$/.exec(l)?.[1] ?? []);
    const recognised = () => sent().filter((line) => !line.startsWith("read "));
    await app.out.until(() => recognised().length >= 2, 20_000);
    const expected = recognised(); // a read sent among them came before the last on one connection
    await logger.out.until((lines) => lines.includes(expected.at(-1) ?? ""));
    expect(events(logger.out.lines).slice(0, expected.length)).toEqual(expected);
    await app.out.until((lines) => lines.includes(`heard ${expected.at(-1)}`));
    // a save of the server: both clients say they lost it; the app ends, rather than bark at no one
    await server.stop();
    await logger.out.until(/^lost the server at localhost:\d+$/);
    expect(await app.exitCode()).toBe(0);
    expect(app.out.lines.at(-1)).toBe("lost the server: start the app again"); // and nothing after
    return { server, logger, app };
  },
  "socketio 1": async (run, port, t) => {
    const server = await run("server.ts", [], port);
    await listening(server);
    const [speaker, other] = [await ioClient(t, port), await ioClient(t, port)];
    speaker.socket.emit("speak", "hello");
    const message = `message [{"from":"${speaker.socket.id}","speech":"hello"}]`;
    for (const client of [speaker, other]) expect(await client.heard.until(1)).toEqual([message]);
    await server.out.until(/^speak from \S+: "hello"$/);
    return { server };
  },
  "socketio 2": async (run, port, t) => {
    const server = await run("server.ts", [], port);
    await listening(server);
    const app = await run("app.ts", [], port);
    await app.out.until(/^heard message from \S+: \{"id":2,/);
    const spoken = app.out.lines.filter((l) => l.startsWith("speak ")).map((l) => l.slice(6));
    const heard = app.out.lines.filter((l) => l.startsWith("heard ")).map((l) => l.split(": ")[1]);
    expect(heard).toEqual(spoken.slice(0, heard.length)); // its own events, as sent, in order
    return { server, app };
  },
  "socketio 3": async (run, port, t) => {
    const server = await run("server.ts", [], port);
    await listening(server);
    const first = await ioClient(t, port);
    const second = await ioClient(t, port);
    expect(await ask(second.socket, "speak", "hi")).toEqual({ ok: true, heardBy: 2 });
    await first.heard.until(2);
    expect(first.heard.lines).toEqual([
      `welcome [{"id":"${first.socket.id}","clients":1}]`, // its own welcome, never the other's
      `message [{"from":"${second.socket.id}","speech":"hi"}]`,
    ]);
    return { server };
  },
  "socketio 4": async (run, port, t) => {
    const server = await run("server.ts", [], port);
    await listening(server);
    const app = await run("app.ts", [], port);
    await app.out.until(/^receipt, just for me: #2 heard by 1$/);
    // its welcome comes before any receipt, though a busy machine may print a speak before both
    const welcome = app.out.lines.findIndex((l) => l.startsWith("welcome, just for me: "));
    expect(app.out.lines[welcome]).toMatch(/^welcome, just for me: I am \S+, 1 connected$/);
    expect(welcome).toBeLessThan(app.out.lines.findIndex((l) => l.startsWith("receipt, ")));
    return { server, app };
  },
  "socketio 5": async (run, port, t) => {
    const server = await run("server.ts", [], port);
    await listening(server);
    const loggers = [await run("logger.ts", [], port), await run("logger.ts", [], port)];
    for (const logger of loggers) await logger.out.until(/^connected to/);
    const app = await run("app.ts", [], port);
    await app.out.until(/^receipt, just for me: #3 heard by 3$/);
    for (const logger of loggers) {
      await logger.out.until(/^message from \S+: \{"id":3,/);
      expect(logger.out.lines.slice(1, 4)).toEqual(
        [1, 2, 3].map((id) =>
          expect.stringMatching(new RegExp(`^message from \\S+: \\{"id":${id},`)),
        ),
      );
    }
    return { server, app, logger: loggers[0] };
  },
  "socketio 6": async (run, port, t) => {
    const server = await run("server.ts", [], port);
    await listening(server);
    const [speaker, other] = [await ioClient(t, port), await ioClient(t, port)];
    expect(await ask(speaker.socket, "speak", "hi")).toEqual({ ok: true, heardBy: 2 }); // as before
    speaker.socket.emit("refunded", "no such kind");
    for (const kind of KINDS) speaker.socket.emit(kind, kind); // the review last: the sentinel
    const from = speaker.socket.id;
    for (const client of [speaker, other]) {
      await client.heard.until(/^review /);
      expect(client.heard.lines[0]).toMatch(/^welcome /);
      expect(client.heard.lines.slice(1)).toEqual([
        `message [{"from":"${from}","speech":"hi"}]`,
        ...KINDS.map((kind) => `${kind} [{"from":"${from}","speech":"${kind}"}]`), // as itself
      ]);
    }
    return { server };
  },
  "socketio 7": async (run, port, t) => {
    const server = await run("server.ts", [], port);
    await listening(server);
    const logger = await run("logger.ts", [], port); // step 5's, still running
    await logger.out.until(/^connected to/);
    const other = await ioClient(t, port);
    const app = await run("busy-app.ts", [], port);
    await server.out.until(aFewAndAnOrder);
    const logged = passedOn(server.out.lines);
    await app.out.until(logged.length);
    // each event as the app printed it, in order, and of one of the five kinds
    const printed = app.out.lines.slice(0, logged.length);
    expect(logged.map(({ kind, json }) => `${kind} ${json}`)).toEqual(printed);
    expect(printed.filter((line) => !isKind(line))).toEqual([]);
    other.socket.emit("speak", "sentinel");
    await other.heard.until(/"sentinel"/);
    const heard = upTo(other.heard.lines, /"sentinel"/).slice(1, -1); // after its welcome
    expect(heard.slice(0, logged.length)).toEqual(
      logged.map(({ kind, from, json }) => `${kind} [{"from":"${from}","speech":${json}}]`),
    );
    expect(heard.filter((line) => !isKind(line))).toEqual([]);
    // the logger listens for message alone: none of the kinds reach its terminal
    await logger.out.until(/^message from \S+: "sentinel"$/);
    expect(logger.out.lines.slice(1)).toEqual([`message from ${other.socket.id}: "sentinel"`]);
    return { server, "busy-app": app, logger };
  },
  "socketio 8": async (run, port, t) => {
    const server = await run("server.ts", [], port);
    await listening(server);
    const order = await run("busy-listener.ts", ["order"], port);
    const refund = await run("busy-listener.ts", ["refund"], port);
    await server.out.until(/connected \(2 in the pool\)$/);
    const app = await run("busy-app.ts", [], port);
    await server.out.until(aFewAndAnOrder);
    // once the server says the app left, it has passed on everything the app sent
    await app.stop();
    await server.out.until(new RegExp(`^${passedOn(server.out.lines)[0].from} disconnected: `));
    const sent = passedOn(server.out.lines);
    const sentinel = await ioClient(t, port);
    for (const kind of ["order", "refund"]) sentinel.socket.emit(kind, "sentinel");
    for (const [cares, listener] of [
      ["order", order],
      ["refund", refund],
    ] as const) {
      const last = `handled ${cares} from ${sentinel.socket.id}: "sentinel"`;
      await listener.out.until((lines) => lines.includes(last));
      const handled = listener.out.lines.slice(0, listener.out.lines.indexOf(last) + 1);
      const mine = sent.filter(({ kind }) => kind === cares);
      expect(handled.filter((line) => line.startsWith("handled "))).toEqual([
        ...mine.map(handledLine),
        last,
      ]);
      // every event reached it, whatever it cares about: the app's and both sentinels
      const count = `received ${sent.length + 2}, handled ${mine.length + 1}`;
      await listener.out.until((lines) => lines.includes(count));
    }
    return { server, "busy-app": app, order, refund };
  },
  "namespaces 1": async (run, port, t) => {
    const server = await run("server.ts", [], port);
    await listening(server);
    const clients = await Promise.all(
      ["/", "/school", "/home"].map((nsp) => ioClient(t, port, nsp)),
    );
    clients[2].socket.emit("speak", "hello");
    for (const [i, client] of clients.entries()) client.socket.emit("speak", `sentinel ${i}`);
    for (const [i, client] of clients.entries()) {
      await client.heard.until(new RegExp(`sentinel ${i}`));
      const got = upTo(client.heard.lines, new RegExp(`sentinel ${i}`));
      expect(got.filter((l) => l.includes("hello")).length, `client ${i}`).toBe(i === 2 ? 1 : 0);
    }
    return { server };
  },
  "namespaces 2": async (run, port, t) => {
    const server = await run("server.ts", [], port);
    await listening(server);
    const app = await run("app.ts", [], port);
    await app.out.until(/^\/home heard message from \S+: \{"id":3,/);
    await app.out.until(/^\/school lesson \{"id":4,/); // sent, and taken by no one yet
    return { server, app };
  },
  "namespaces 3": async (run, port, t) => {
    const server = await run("server.ts", [], port);
    await listening(server);
    const [member, bystander] = [
      await ioClient(t, port, "/school"),
      await ioClient(t, port, "/school"),
    ];
    expect(await ask(member.socket, "join", "codefellows")).toEqual({
      ok: true,
      joined: "codefellows",
    });
    bystander.socket.emit("lesson", "rooms");
    bystander.socket.emit("speak", "sentinel"); // after the lesson, to all of /school
    for (const client of [member, bystander]) await client.heard.until(/sentinel/);
    expect(member.heard.lines.filter((l) => l.startsWith("lesson "))).toHaveLength(1);
    expect(bystander.heard.lines.filter((l) => l.startsWith("lesson "))).toEqual([]);
    const app = await run("app.ts", [], port);
    await server.out.until(/^\/school lesson from \S+: \{"id":4,/);
    return { server, app };
  },
  "namespaces 4": async (run, port, t) => {
    const server = await run("server.ts", [], port);
    await listening(server);
    const slices = { logger: ["/"], home: ["/home"], school: ["/school"] };
    const loggers = { ...slices, codefellows: ["/school", "codefellows"] };
    const runs = Object.fromEntries(
      await Promise.all(
        Object.entries(loggers).map(async ([name, args]) => [
          name,
          await run("logger.ts", args, port),
        ]),
      ),
    ) as Record<keyof typeof loggers, Run>;
    for (const logger of Object.values(runs)) await logger.out.until(/^connected to/);
    await runs.codefellows.out.until(/^\/school joined room codefellows$/);
    const app = await run("app.ts", [], port);
    await runs.codefellows.out.until(/^\/school lesson from \S+: \{"id":4,/);
    await runs.school.out.until(/^\/school message from \S+: \{"id":6,/); // after the lesson
    await runs.logger.out.until(/^\/ message from \S+: \{"id":5,/);
    await runs.home.out.until(/^\/home message from \S+: \{"id":3,/);
    const seen = (run: Run) => new Set(run.out.lines.slice(1).map((l) => l.split(" from ")[0]));
    expect(seen(runs.logger)).toEqual(new Set(["/ message"]));
    expect(seen(runs.home)).toEqual(new Set(["/home message"]));
    expect(seen(runs.school)).toEqual(new Set(["/school message"])); // never a lesson
    expect(seen(runs.codefellows)).toEqual(
      new Set(["/school joined room codefellows", "/school message", "/school lesson"]),
    );
    return { server, app, ...runs };
  },
  "namespaces 5": async (run, port, t) => {
    const server = await run("server.ts", [], port);
    await listening(server);
    const [orders, refunds, shop] = [
      await ioClient(t, port, "/store"),
      await ioClient(t, port, "/store"),
      await ioClient(t, port, "/store"),
    ];
    expect(await ask(orders.socket, "join", "order")).toEqual({ ok: true, joined: "order" });
    expect(await ask(refunds.socket, "join", "refund")).toEqual({ ok: true, joined: "refund" });
    expect(await ask(shop.socket, "join", "orders")).toEqual({
      ok: false,
      error: "no room orders in /store",
    });
    for (const [kind, speech] of [
      ["order", "o"],
      ["payment", "a room no one is in"],
      ["refund", "sentinel"],
      ["order", "sentinel"],
      ["speak", "sentinel"], // to all of /store
    ])
      shop.socket.emit(kind, speech);
    const from = shop.socket.id;
    const heard = (event: string, speech: string) =>
      `${event} [{"from":"${from}","speech":"${speech}"}]`;
    for (const client of [orders, refunds, shop]) await client.heard.until(/^message /);
    expect(orders.heard.lines).toEqual([
      heard("order", "o"),
      heard("order", "sentinel"),
      heard("message", "sentinel"),
    ]);
    expect(refunds.heard.lines).toEqual([
      heard("refund", "sentinel"),
      heard("message", "sentinel"),
    ]);
    expect(shop.heard.lines).toEqual([heard("message", "sentinel")]); // in no room: no kind back
    // and /school's lesson stays as it was
    const member = await ioClient(t, port, "/school");
    await ask(member.socket, "join", "codefellows");
    member.socket.emit("lesson", "rooms");
    await member.heard.until(/^lesson /);
    return { server };
  },
  "namespaces 6": async (run, port, t) => {
    const server = await run("server.ts", [], port);
    await listening(server);
    const others = [await ioClient(t, port, "/"), await ioClient(t, port, "/school")];
    const [orders, shop] = [await ioClient(t, port, "/store"), await ioClient(t, port, "/store")];
    await ask(orders.socket, "join", "order");
    const app = await run("busy-app.ts", [], port);
    await server.out.until(aFewAndAnOrder);
    const logged = passedOn(server.out.lines);
    await app.out.until(logged.length);
    expect(logged.map(({ kind, json }) => `${kind} ${json}`)).toEqual(
      app.out.lines.slice(0, logged.length), // into /store, as the app printed them
    );
    // one sentinel a namespace: / and /school hear no kind, /store's kinds go to their rooms alone
    for (const [i, client] of [...others, shop].entries())
      client.socket.emit("speak", `sentinel ${i}`);
    for (const [i, client] of others.entries()) {
      await client.heard.until(/sentinel/);
      expect(client.heard.lines).toEqual([expect.stringMatching(`^message .*"sentinel ${i}"`)]);
    }
    for (const client of [orders, shop]) await client.heard.until(/sentinel 2/);
    expect(shop.heard.lines).toEqual([expect.stringMatching(/^message .*"sentinel 2"/)]); // no room
    const orderLines = orders.heard.lines.slice(0, -1); // before the sentinel
    const loggedOrders = logged.filter(({ kind }) => kind === "order");
    expect(orderLines.filter((line) => !line.startsWith("order "))).toEqual([]); // its room's only
    expect(orderLines.slice(0, loggedOrders.length)).toEqual(
      loggedOrders.map(({ from, json }) => `order [{"from":"${from}","speech":${json}}]`),
    );
    return { server, "busy-app": app };
  },
  "namespaces 7": async (run, port, t) => {
    const server = await run("server.ts", [], port);
    await listening(server);
    const order = await run("busy-listener.ts", ["order"], port);
    const refund = await run("busy-listener.ts", ["refund"], port);
    await order.out.until(/^joined room order$/);
    await refund.out.until(/^joined room refund$/);
    const app = await run("busy-app.ts", [], port);
    await server.out.until(aFewAndAnOrder);
    const sentinel = await ioClient(t, port, "/store");
    for (const kind of ["order", "refund"]) sentinel.socket.emit(kind, "sentinel");
    for (const [cares, listener] of [
      ["order", order],
      ["refund", refund],
    ] as const) {
      const last = `handled ${cares} from ${sentinel.socket.id}: "sentinel"`;
      const logged = new RegExp(`^/store ${cares} from ${sentinel.socket.id}: "sentinel"$`);
      await listener.out.until((lines) => lines.includes(last));
      await server.out.until(logged);
      const mine = passedOn(upTo(server.out.lines, logged)).filter(({ kind }) => kind === cares);
      const handled = listener.out.lines.slice(0, listener.out.lines.indexOf(last) + 1);
      expect(handled.filter((line) => line.startsWith("handled "))).toEqual(mine.map(handledLine));
      // a count after the sentinel; and every count says what reached it is what it handled
      await listener.out.until((lines) => lines.slice(lines.indexOf(last)).some(isCount));
      for (const line of listener.out.lines.filter(isCount))
        expect(line, cares).toMatch(/^received (\d+), handled \1$/);
    }
    return { server, "busy-app": app, order, refund };
  },
  "delivery 1": async (run, port, t) => {
    // lesson 2's server under watch, on a copy to save, and its app, as the class left them
    const folder = await scratchCopy(t, "socketio-demo", "classroom");
    const file = join(folder, "socketio-demo/server.ts");
    const server = runScript(t, file, { PORT: String(port) }, { watch: "socketio:server" });
    await server.out.until(/listening on port/);
    const logger = await run("logger.ts", [], port);
    await logger.out.until(/^connected as /);
    const app = runScript(t, "socketio-demo/app.ts", { PORT: String(port), ...FAST });
    await logger.out.until(/^#3 heard id \d+$/); // the app drops what it says before it connects
    await appendFile(file, "\n// saved\n");
    await server.out.until(count(/listening on port/, 2));
    const gap = /^missed ids (\d+) to (\d+)$/;
    const missed = (await logger.out.until(gap, 20_000)).findIndex((l) => gap.test(l));
    const [, from] = gap.exec(logger.out.lines[missed])!;
    // dropped by the app while it had no server, or sent to one on its way out
    await app.out.until(new RegExp(` (dropped )?speak \\{"id":${from},`));
    await logger.out.until((lines) => /^#\d+ heard id \d+$/.test(lines[missed + 1] ?? "")); // on
    return { logger, app };
  },
  "delivery 2": async (run, port, t) => {
    const server = run.watched("server.ts", { PORT: String(port) });
    await server.out.until(/^listening on port/);
    const logger = await run("logger.ts", [], port);
    await logger.out.until(/^connected as /);
    // a dropped connection: a client of the test's own, cut off, that comes back by itself
    const reader = io(`http://localhost:${port}`, {
      forceNew: true,
      reconnectionDelay: 50,
      transports: ["websocket"],
    });
    t.onTestFinished(() => void reader.disconnect());
    const heard = recorder("reader");
    reader.on("message", ({ speech }) => heard.line(String(speech.id)));
    await waitFor(reader as unknown as EventEmitter, "connect");
    const speaker = await ioClient(t, port);
    speaker.socket.emit("speak", record(1));
    await heard.until(1);
    const id = reader.id;
    reader.io.engine.close();
    await server.out.until(new RegExp(`^${id} disconnected: transport close$`));
    speaker.socket.emit("speak", record(2));
    await logger.out.until(/^#2 heard id 2$/);
    await server.out.until(new RegExp(`^${id} recovered: sent what it missed$`));
    await heard.until(2);
    expect(heard.lines).toEqual(["1", "2"]);
    // a save: the sessions were in the process that is gone, so the logger gets a new one
    await server.save();
    await server.out.until(count(/^listening on port/, 2), 20_000);
    const connected = await logger.out.until(count(/^connected as /, 2), 20_000);
    const sessions = connected.filter((l) => l.startsWith("connected as "));
    expect(sessions[1]).not.toBe(sessions[0]);
    return { server, logger };
  },
  "delivery 3": async (run, port, t) => {
    const server = await run("server.ts", [], port);
    await listening(server);
    const logger = await run("logger.ts", [], port);
    await logger.out.until(/^connected as /);
    const app = await run("app.ts", [], port);
    await app.out.until(/^receipt for #2: heard by 2$/);
    // Ctrl-Z on the server: a speak it does not answer within a second is sent again
    const pid = server.child.pid ?? 0;
    process.kill(pid, "SIGSTOP");
    t.onTestFinished(() => void server.child.kill("SIGCONT")); // before it is stopped
    const spoken = (lines: string[]) => lines.filter((l) => l.startsWith("speak ")).length;
    const before = spoken(app.out.lines);
    await app.out.until((lines) => spoken(lines) >= before + 3, 20_000); // 2.25 s: past a second
    process.kill(pid, "SIGCONT"); // fg
    const duplicate = /^receipt for #(\d+): a duplicate, not again$/;
    const receipts = await app.out.until(duplicate, 20_000);
    const id = Number(duplicate.exec(receipts.find((l) => duplicate.test(l))!)![1]);
    await server.out.until(
      new RegExp(`^speak #${id} from \\S+ again: a retry, not passed on twice$`),
    );
    await logger.out.until(new RegExp(`^#\\d+ heard id ${id + 2}$`), 20_000); // and the next two
    const heard = idsHeard(logger.out.lines);
    expect(heard.slice(0, heard.indexOf(id + 2) + 1)).toEqual(range(1, id + 2)); // once each
    expect(lost(logger.out.lines)).toEqual([]);
    return { server, logger, app };
  },
  "delivery 4": async (run, port, t) => {
    const redis = await startRedis(t); // terminal 0
    const server = run.watched("server.ts", { PORT: String(port), REDIS_URL: redis.url });
    await server.out.until(/^listening on port/, 20_000);
    const logger = await run("logger.ts", [], port);
    await logger.out.until(/^connected as /);
    const loggerId = logger.out.lines.find((l) => l.startsWith("connected as "))?.split(" ")[2];
    const app = await run("app.ts", [], port);
    await logger.out.until(/^#2 heard id 2$/);
    await server.save();
    await server.out.until(count(/^listening on port/, 2), 20_000);
    const recovered = `${loggerId} recovered: sent what it missed`;
    await server.out.until(new RegExp(`^${recovered}$`)); // ids are letters, digits, - and _
    // back: what it missed comes first, then its connect
    await logger.out.until(count(/^connected as /, 2), 20_000);
    const after = idsHeard(logger.out.lines).length;
    await logger.out.until((lines) => idsHeard(lines).length >= after + 3, 20_000);
    const sessions = logger.out.lines.filter((l) => l.startsWith("connected as "));
    expect(sessions).toEqual([sessions[0], sessions[0]]); // the same session, back
    // Every id once and in order, across the restart, but for the gap the README says step 4 leaves
    // open: what the restarted server passes on as it restores the logger's session may never reach
    // it. Only ids it passed on before the logger was back may be missing, in one run, and the logger
    // says so.
    const heard = idsHeard(logger.out.lines);
    const missing = range(1, Math.max(...heard)).filter((id) => !heard.includes(id));
    expect(heard).toEqual(range(1, Math.max(...heard)).filter((id) => !missing.includes(id)));
    const lines = server.out.lines;
    const restarted = lines.findLastIndex((l) => l.startsWith("listening on port"));
    const passedOnBeforeBack = lines
      .slice(restarted, lines.indexOf(recovered, restarted))
      .flatMap((l) => /^speak from \S+: \{"id":(\d+),/.exec(l)?.[1] ?? [])
      .map(Number);
    for (const id of missing) expect(passedOnBeforeBack).toContain(id);
    if (missing.length === 0) expect(lost(logger.out.lines)).toEqual([]);
    else {
      const [first, last] = [missing[0], missing[missing.length - 1]];
      expect(missing).toEqual(range(first, last)); // in one run
      expect(lost(logger.out.lines)).toEqual([`missed ids ${first} to ${last}`]);
    }
    return { server, logger, app };
  },
};

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

// Each step runs in a folder and on a port of its own: they can all run at once.
for (const { readme, lesson, n } of stepNames.map((name) =>
  steps.find((s) => named(s) === name)!,
)) {
  test.concurrent(
    `README step ${lesson} ${n} runs as written and prints what the README shows`,
    { tags: ["processes"] },
    async (t) => {
      const run = await typedUpTo(t, lesson, n);
      const printed = await checks[`${lesson} ${n}`](run, await freePort(), t);
      const lines = Object.fromEntries(
        Object.entries(printed).map(([name, { out }]) => [name, out.lines]),
      );
      if (lessonReadme(readme).includes(`<!-- output: ${lesson} step ${n} -->`))
        expectReadmeOutput(`${lesson} step ${n}`, lines);
      for (const script of Object.values(printed)) await script.stop();
    },
  );
}
