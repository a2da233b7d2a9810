import { type EventEmitter } from "node:events";
import { appendFile } from "node:fs/promises";
import {
  connect,
  createServer as createNetServer,
  type AddressInfo,
  type Socket as NetSocket,
} from "node:net";
import { join } from "node:path";
import { io, type Socket } from "socket.io-client";
import { expect, test, vi } from "vitest";
import { accepts } from "../classroom/redis-server.ts";
import { closeRestoreGap } from "../classroom/sessions.ts";
import { readSettings, type Options } from "../classroom/settings.ts";
import { startApp } from "../socketio-delivery/app.ts";
import { AWAY_MS } from "../socketio-delivery/events.ts";
import { startLogger } from "../socketio-delivery/logger.ts";
import { startServer } from "../socketio-delivery/server.ts";
import {
  ask,
  expectReadmeOutput,
  FAST,
  freePort,
  LESSON_MS,
  ioClient,
  needRedisServer,
  recorder,
  redisClients,
  runScript,
  runScriptCommand,
  scratchCopy,
  startRedis,
  upTo,
  waitFor,
  WAIT_MS,
  withoutTime,
  type Context,
} from "./helpers.ts";

type RedisContext = Context & { skip: (note: string) => never };
const MEMORY: Options = { sessions: "memory" };

async function server(t: Context, settings: Options = MEMORY, port = 0) {
  const log = recorder("server");
  const started = await startServer({ port, print: log.line, ...settings });
  t.onTestFinished(() => started.close());
  return { ...started, log };
}

function logger(t: Context, port: number) {
  const heard = recorder("logger");
  const started = startLogger({ port, print: heard.line });
  t.onTestFinished(started.close);
  return { ...started, heard };
}

// A client as the lesson's own are, reconnecting and recovering, whose connection the test drops.
async function recoveringClient(t: Context, port: number) {
  const socket: Socket = io(`http://localhost:${port}`, {
    forceNew: true,
    reconnectionDelay: 50,
    transports: ["websocket"],
  });
  t.onTestFinished(() => void socket.disconnect());
  const heard = recorder("recovering client");
  socket.on("message", ({ speech }) => heard.line(JSON.stringify(speech)));
  await waitFor(socket as unknown as EventEmitter, "connect");
  return { socket, heard };
}

// The ids of the records a logger numbered, in the order it heard them.
const idsHeard = (lines: string[]) =>
  lines
    .flatMap((l) => /^(?:\S+ )?#\d+ message from \S+: \{"id":(\d+),/.exec(l)?.[1] ?? [])
    .map(Number);
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);
const redisPort = (url: string) => Number(new URL(url).port); // always 127.0.0.1 here
const count = (pattern: RegExp, times: number) => (lines: string[]) =>
  lines.filter((l) => pattern.test(l)).length >= times;
const TROUBLE = /^(?:\S+ )?(missed |id \d+ again|the server says)/; // a logger's word for a loss

// Each test has its ports, servers and Redis to itself: they run at once, up to five at a time
// (a test's own expect.poll and .rejects are t.expect), but for the two at the end, which change
// what all share.

// Five restarts under tsx, each of which compiles the server again: on a loaded machine, a minute
test.concurrent(
  "live coding: five saves of the server, and the logger hears every id from the first to the last, once",
  { timeout: 120_000, tags: ["processes"] },
  async (t) => {
    needRedisServer(t); // the watcher starts a private one, which outlives each save
    const folder = await scratchCopy(t, "socketio-delivery", "socketio-demo", "classroom");
    const port = String(await freePort());
    const file = join(folder, "socketio-delivery/server.ts");
    const server = runScript(t, file, { PORT: port }, { watch: "delivery:server" });
    const listening = (times: number) => server.out.until(count(/listening on port/, times));
    await listening(1);
    const log = runScript(t, "socketio-delivery/logger.ts", { PORT: port });
    await log.out.until(/ connected to /);
    const app = runScript(t, "socketio-delivery/app.ts", { PORT: port, ...FAST });
    await log.out.until(/ #3 message /);
    for (let save = 1; save <= 5; save++) {
      await appendFile(file, `\n// save ${save}\n`);
      await listening(save + 1);
      // both clients back, before the next save: tsx watch kills a server still closing
      await log.out.until(count(/ recovered: the same session/, save));
      await app.out.until(count(/ back: reconnected /, save));
    }
    const receipts = (lines: string[]) =>
      lines.flatMap((l) => / receipt for #(\d+): heard by/.exec(l)?.[1] ?? []).map(Number);
    const after = receipts(app.out.lines).length;
    await app.out.until((lines) => receipts(lines).length >= after + 3);
    const last = Math.max(...receipts(app.out.lines)); // acknowledged: the logger must hear it
    await log.out.until((lines) => idsHeard(lines).includes(last));
    const heard = idsHeard(log.out.lines);
    expect(heard.slice(0, heard.indexOf(last) + 1)).toEqual(range(1, last));
    expect(log.out.lines.filter((l) => TROUBLE.test(l))).toEqual([]);
    expect(server.out.lines.filter((l) => /a private Redis at /.test(l))).toHaveLength(1);
    expectReadmeOutput("delivery", {
      server: server.out.lines,
      logger: log.out.lines,
      app: app.out.lines,
    });
    for (const script of [app, log, server]) expect(await script.stop()).toBe(0);
  },
);

test.concurrent(
  "a record sent again by the app's retries is passed on once, and its receipt says so",
  async (t) => {
    const { port, log } = await server(t);
    const listener = await ioClient(t, port);
    const app = io(`http://localhost:${port}`, {
      forceNew: true,
      reconnection: false,
      retries: 3,
      transports: ["websocket"],
    });
    t.onTestFinished(() => void app.disconnect());
    await waitFor(app as unknown as EventEmitter, "connect");
    const { ws } = app.io.engine.transport as unknown as { ws: { _socket: NetSocket } };
    ws._socket.pause(); // the receipt waits unread, as if lost: after 200 ms the client sends again
    const note = { id: 7, change: "created", at: "2026-01-01T00:00:00.000Z" };
    const receipt = app.timeout(200).emitWithAck("speak", note);
    await log.until(/ speak \{"id":7,.*\} again: a retry, not passed on$/);
    ws._socket.resume();
    expect(await receipt).toEqual({ ok: true, duplicate: true }); // the first receipt came too late
    app.emit("speak", "sentinel");
    await listener.heard.until(/"sentinel"/);
    const messages = upTo(listener.heard.lines, /"sentinel"/).filter((l) =>
      l.startsWith("message"),
    );
    expect(messages.map((l) => JSON.parse(l.slice("message ".length))[0])).toEqual([
      { from: app.id, speech: note },
      { from: app.id, speech: "sentinel" },
    ]);
    expect(log.lines.filter((l) => l.startsWith("speak from"))).toHaveLength(2);
  },
);

test.concurrent(
  "text is passed on each time it is said, and the same id from another moment, or none, is another record",
  async (t) => {
    const { port } = await server(t);
    const listener = await ioClient(t, port);
    const speaker = await ioClient(t, port);
    const at = (second: number) => `2026-01-01T00:00:0${second}.000Z`;
    for (const speech of ["hello", "hello", { id: 1, change: "created", at: at(1) }])
      speaker.socket.emit("speak", speech);
    speaker.socket.emit("speak", { id: 1, change: "created", at: at(2) }); // an app started again
    for (const change of ["created", "updated"] as const)
      speaker.socket.emit("speak", { id: 9, change }); // typed by hand, with no moment
    speaker.socket.emit("speak", "sentinel");
    await listener.heard.until(/"sentinel"/);
    expect(listener.heard.lines.filter((l) => l.startsWith("message"))).toHaveLength(7);
  },
);

for (const where of ["memory", "redis"] as const) {
  test.concurrent(
    `a dropped connection loses nothing: what was said meanwhile comes when it is back, once (sessions in ${where})`,
    async (t) => {
      const settings = where === "memory" ? MEMORY : { redisUrl: (await startRedis(t)).url };
      const { port, log } = await server(t, settings);
      const reader = await recoveringClient(t, port);
      const speaker = await ioClient(t, port);
      const id = reader.socket.id;
      speaker.socket.emit("speak", "before");
      await reader.heard.until(/"before"/); // the last message it has: where it will pick up
      reader.socket.io.engine.close(); // its Wi-Fi drops
      await log.until(new RegExp(`^${id} disconnected: transport close`));
      for (const speech of ["while away 1", "while away 2"]) speaker.socket.emit("speak", speech);
      await speaker.heard.until(/"while away 2"/);
      await waitFor(reader.socket as unknown as EventEmitter, "connect");
      expect(reader.socket.recovered).toBe(true);
      expect(reader.socket.id).toBe(id); // the same session
      await log.until(new RegExp(`^${id} recovered: sent what it missed`));
      speaker.socket.emit("speak", "sentinel");
      await reader.heard.until(/"sentinel"/);
      expect(reader.heard.lines).toEqual(
        ["before", "while away 1", "while away 2", "sentinel"].map((s) => JSON.stringify(s)),
      );
    },
  );
}

test.concurrent(
  "what a kill -9 costs: a graceful restart keeps every session, a killed server loses them all",
  { tags: ["processes"] },
  async (t) => {
    const redis = await startRedis(t);
    const port = String(await freePort());
    const env = { PORT: port, REDIS_URL: redis.url };
    const first = runScript(t, "socketio-delivery/server.ts", env);
    const said = await first.out.until(/listening on port/);
    expect(withoutTime(said[0])).toBe(
      `sessions in Redis ${/ (\d+\.\d+\.\d+) at /.exec(said[0])?.[1]} at ${redis.url}: a client ` +
        `back within ${AWAY_MS / 1000} s gets what it missed, across a restart too when the server ` +
        "stops gracefully (Ctrl-C, a save); a kill -9 loses the sessions of all its clients",
    );
    const { heard, socket } = logger(t, Number(port));
    await heard.until(/^connected to /);
    const speaker = await ioClient(t, Number(port)); // an app, which is gone with the server
    speaker.socket.emit("speak", "before"); // the logger's place in what was sent
    await heard.until(/"before"/);

    expect(await first.stop()).toBe(0); // SIGTERM, as tsx watch sends on a save
    const second = runScript(t, "socketio-delivery/server.ts", env);
    await heard.until(/^recovered: the same session/, 20_000);
    second.child.kill("SIGKILL"); // kill -9: no close, so no session is saved
    expect(await second.exitCode()).toBe(null);
    const third = runScript(t, "socketio-delivery/server.ts", env);
    await heard.until(/^the server says: no session to recover/, 20_000);
    await third.out.until(
      new RegExp(`^\\S+ ${socket.id} connected \\(1 in the pool\\): its session`),
    );
    expect(heard.lines.filter((l) => /^(recovered|the server says)/.test(l))).toEqual([
      "recovered: the same session, and what was sent meanwhile",
      `the server says: no session to recover (away over ${AWAY_MS / 1000} s, a killed server, ` +
        "or nothing heard yet): what was sent meanwhile is lost",
    ]);
  },
);

// A load balancer in front of two servers: each connection goes to the server it is pointed at.
async function balancer(t: Context, port: number) {
  let target = port;
  const proxy = createNetServer((client) => {
    const upstream = connect(target, "127.0.0.1");
    client.pipe(upstream).pipe(client);
    for (const end of [client, upstream])
      end.on("error", () => [client, upstream].map((s) => s.destroy()));
  });
  proxy.listen(0, "127.0.0.1");
  await waitFor(proxy, "listening");
  t.onTestFinished(() => new Promise<void>((done) => proxy.close(() => done())));
  return {
    port: (proxy.address() as { port: number }).port,
    pointAt: (port: number) => void (target = port),
  };
}

test.concurrent("two servers behind one Redis recover each other's clients", async (t) => {
  const { url } = await startRedis(t);
  const a = await startServer({ port: 0, print: () => {}, redisUrl: url });
  t.onTestFinished(a.close);
  const bLog = recorder("server B");
  const b = await startServer({ port: 0, print: bLog.line, redisUrl: url });
  t.onTestFinished(b.close);
  const front = await balancer(t, a.port);
  const reader = await recoveringClient(t, front.port); // through the balancer, to A
  const id = reader.socket.id;
  const speaker = await ioClient(t, b.port); // on B all along
  speaker.socket.emit("speak", "before");
  await reader.heard.until(/"before"/); // through Redis, from B to A
  front.pointAt(b.port);
  await a.close(); // gracefully: its clients' sessions are saved to Redis
  speaker.socket.emit("speak", "while away");
  await waitFor(reader.socket as unknown as EventEmitter, "connect");
  expect(reader.socket.id).toBe(id);
  await bLog.until(new RegExp(`^${id} recovered: sent what it missed`));
  speaker.socket.emit("speak", "sentinel");
  await reader.heard.until(/"sentinel"/);
  expect(reader.heard.lines).toEqual(['"before"', '"while away"', '"sentinel"']);
});

test.concurrent(
  "npm run delivery:server without redis-server: the watcher says so once, and every restart keeps to memory",
  { tags: ["processes"] },
  async (t) => {
    const folder = await scratchCopy(t, "socketio-delivery", "socketio-demo", "classroom");
    const port = String(await freePort());
    const file = join(folder, "socketio-delivery/server.ts");
    const env = { PORT: port, PATH: "/nowhere" };
    const server = runScript(t, file, env, { watch: "delivery:server" });
    await server.out.until(/listening on port/);
    await appendFile(file, "\n// a save\n");
    await server.out.until(count(/listening on port/, 2));
    expect(server.out.lines.map(withoutTime).filter((l) => /redis|sessions/i.test(l))).toEqual([
      "redis-server is not installed: apt-get install redis-server (or brew install redis); " +
        "sessions in the server's memory, which each save loses",
      ...Array(2).fill(
        `sessions in this server's memory: a client back within ${AWAY_MS / 1000} s gets what ` +
          "it missed, but a restart loses them all",
      ),
    ]);
    expect(await server.stop()).toBe(0);
  },
);

test.concurrent(
  "the server's first line says where it keeps the sessions, and what a restart costs them",
  async (t) => {
    const { url } = await startRedis(t);
    const [inMemory, inRedis] = [await server(t), await server(t, { redisUrl: url })];
    const back = `a client back within ${AWAY_MS / 1000} s gets what it missed`;
    expect(inMemory.log.lines[0]).toBe(
      `sessions in this server's memory: ${back}, but a restart loses them all`,
    );
    const version = /^sessions in Redis (\S+) at /.exec(inRedis.log.lines[0])?.[1];
    expect(version).toMatch(/^\d+\.\d+\.\d+$/); // the Redis's own, as INFO gives it
    expect(inRedis.log.lines[0]).toBe(
      `sessions in Redis ${version} at ${url}: ${back}, across a restart too when the server ` +
        "stops gracefully (Ctrl-C, a save); a kill -9 loses the sessions of all its clients",
    );
  },
);

test.concurrent(
  "a REDIS_URL with no Redis behind it: the server does not start, and its error is the one line",
  async (t) => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const log = recorder("server");
    let failed: unknown;
    startServer({ port: 0, print: log.line, redisUrl: url }).then(
      (started) => void t.onTestFinished(started.close),
      (error: unknown) => void (failed = error),
    );
    // at once: a Redis that was never there is not retried
    await vi.waitFor(() => expect(failed).toBeDefined(), { timeout: WAIT_MS });
    expect(failed).toMatchObject({
      code: "NO_REDIS", // which the terminal prints as it is, alone
      message: `no Redis at ${url}: start it (redis-server), or run without --redis-url (REDIS_URL)`,
    });
    expect(log.lines).toEqual([]);
  },
);

test.concurrent(
  "a server whose Redis comes back says so once: what it said meanwhile reaches the clients late",
  async (t) => {
    const redis = await startRedis(t);
    const { port, log } = await server(t, { redisUrl: redis.url });
    const listener = await ioClient(t, port);
    const speaker = await ioClient(t, port);
    await redis.stop();
    await log.until(/^lost Redis at /);
    speaker.socket.emit("speak", "while Redis is gone"); // waits in the client's queue
    await log.until(/: while Redis is gone$/);
    // a refusal to the listener comes after all the server sent it before: but not that speech
    expect(await ask(listener.socket, "speak", 42)).toMatchObject({ ok: false });
    expect(listener.heard.lines.join("\n")).not.toContain("while Redis is gone");
    await redis.start();
    await log.until(/ is back$/);
    await listener.heard.until(/"while Redis is gone"/);
    expect(log.lines.filter((line) => /^(lost )?Redis /.test(line))).toEqual([
      `lost Redis at ${redis.url}: what is sent waits for it, and it is retried`,
      `Redis at ${redis.url} is back`,
    ]);
  },
);

test.concurrent(
  "a server closed leaves no Redis behind: its private redis-server stops with it",
  async (t) => {
    needRedisServer(t);
    const { log, close } = await server(t, {});
    const url = /at (redis:\/\/[\d.:]+)/.exec(log.lines[0])?.[1] ?? "";
    expect(log.lines[0]).toMatch(
      /^sessions in a private Redis \d+\.\d+\.\d+ at redis:\/\/127\.0\.0\.1:\d+, which stops with this server: a client back within /,
    );
    expect(await accepts(redisPort(url))).toBe(true);
    await close();
    await t.expect.poll(() => accepts(redisPort(url)), { timeout: WAIT_MS }).toBe(false);
  },
);

test.concurrent(
  "a closed server leaves no client of its own on Redis: its stream reader stops waiting too",
  async (t) => {
    const { url } = await startRedis(t);
    const clients = await redisClients(t, url);
    const { close } = await server(t, { redisUrl: url });
    // this one, and the server's writer, subscriber and stream reader, which waits 5 s in XREAD
    await vi.waitFor(async () => expect(await clients()).toBe("4"), { timeout: 5000 });
    await close();
    await vi.waitFor(async () => expect(await clients()).toBe("1"), { timeout: WAIT_MS });
  },
);

test.concurrent(
  "a server whose Redis is gone still closes, its clients' sessions lost without an error",
  async (t) => {
    const redis = await startRedis(t);
    const { port, close, log } = await server(t, { redisUrl: redis.url });
    const reader = await recoveringClient(t, port);
    await redis.stop();
    await log.until(/^lost Redis at /);
    reader.socket.disconnect(); // its session is saved with a SET that cannot be answered
    await close(); // and an unhandled rejection would fail this test
    expect(log.lines.filter((line) => /Redis/.test(line)).slice(1)).toEqual([
      `lost Redis at ${redis.url}: what is sent waits for it, and it is retried`,
    ]);
  },
);

test.concurrent(
  "a server whose Redis goes as it starts still closes: the adapter's clients were still connecting",
  async (t) => {
    const redis = await startRedis(t);
    const { close, log } = await server(t, { redisUrl: redis.url });
    await redis.stop("SIGKILL"); // at once: the adapter's own clients, made after, are not in yet
    await log.until(/^lost Redis at /);
    await close(); // which waited for ever for the clients the adapter never got
    expect(log.lines.filter((line) => /Redis/.test(line)).slice(1)).toEqual([
      `lost Redis at ${redis.url}: what is sent waits for it, and it is retried`,
    ]);
  },
);

test.concurrent(
  "a server on a busy port says so, and leaves no client on Redis: its adapter's were connecting",
  async (t) => {
    const { url } = await startRedis(t);
    const clients = await redisClients(t, url);
    const busy = createNetServer().listen(0, "127.0.0.1");
    await waitFor(busy, "listening");
    t.onTestFinished(() => void busy.close());
    const { port } = busy.address() as AddressInfo;
    const starting = startServer({ port, host: "127.0.0.1", print: () => {}, redisUrl: url });
    await t.expect(starting).rejects.toThrow(/EADDRINUSE/); // once what it started has ended
    await t.expect.poll(clients, { timeout: WAIT_MS }).toBe("1"); // the observer only
  },
);

test.concurrent(
  "one terminal: npm run delivery labels each script's lines, and Ctrl-C stops them all, Redis too",
  { timeout: 90_000, tags: ["processes"] }, // LESSON_MS to start, then up to START_MS to stop
  async (t) => {
    needRedisServer(t);
    const port = await freePort(); // --port reaches all three
    const lesson = runScriptCommand(t, "delivery", ["--port", String(port)], {
      ownGroup: true,
      env: FAST,
    });
    const said = await lesson.out.until(/^\[logger\] \S+ #3 message from /, LESSON_MS);
    expect(said[0]).toMatch(/^\[server\] \S+ a private Redis at redis:\/\/127\.0\.0\.1:\d+ keeps /);
    const url = /(redis:\/\/\S+) keeps/.exec(said[0])?.[1] ?? "";
    expect(said.filter((l) => / no server /.test(l))).toEqual([]); // the clients after the server
    expect(said.filter((l) => /^\[app\] \S+ receipt for #1: heard by 2$/.test(l))).toHaveLength(1);
    expect(await accepts(redisPort(url))).toBe(true);
    expect(await lesson.stop()).toBe(0); // Ctrl-C
    // Redis stopped with it: told as the watcher ends, it is gone a moment later
    await t.expect.poll(() => accepts(redisPort(url)), { timeout: WAIT_MS }).toBe(false);
  },
);

test.concurrent(
  "Ctrl-C as the watcher starts, before the server: it ends at once, and its private Redis with it",
  { tags: ["processes"] },
  async (t) => {
    needRedisServer(t);
    const port = String(await freePort());
    const file = "socketio-delivery/server.ts";
    const server = runScript(t, file, { PORT: port }, { watch: "delivery:server" });
    const [said] = await server.out.until(/a private Redis at /); // then it starts tsx watch
    const url = /(redis:\/\/\S+) keeps/.exec(said)?.[1] ?? "";
    // 0 from the watcher, or from tsx watch passing on its server's; 143 from tsx watch with no
    // server yet: whichever took the SIGTERM, the Redis must stop
    expect([0, 143]).toContain(await server.stop());
    await t.expect.poll(() => accepts(redisPort(url)), { timeout: WAIT_MS }).toBe(false);
  },
);

test.concurrent("--sessions takes redis or memory, and a mistake is one line", () => {
  expect(readSettings("delivery:server", ["--sessions", "memory"]).settings?.sessions).toBe(
    "memory",
  );
  expect(() => readSettings("delivery:server", ["--sessions", "disk"])).toThrow(
    '--sessions is redis or memory, not "disk"',
  );
  expect(() => readSettings("delivery:server", [], { SESSIONS: "disk" })).toThrow(
    'SESSIONS is redis or memory, not "disk"',
  );
  const help = readSettings("delivery:server", ["--help"]).help ?? "";
  expect(help).toContain("  --sessions, SESSIONS: where delivery:server keeps a session");
});

test.concurrent(
  "restoring a session and broadcasting take turns: neither starts while the other is under way",
  async (t) => {
    const order: string[] = [];
    const later = () => {
      let finish = () => {};
      const promise = new Promise<void>((done) => (finish = done));
      return { promise, finish };
    };
    const [restore, publish] = [later(), later()];
    const adapter = {
      restoreSession: async (pid: string, _offset?: string) => {
        order.push(`restore ${pid} starts`);
        await restore.promise;
        order.push(`restore ${pid} ends`);
        return {};
      },
      publishAndReturnOffset: async (message: unknown) => {
        order.push(`publish ${message} starts`);
        if (message === "first") await publish.promise;
        order.push(`publish ${message} ends`);
        return "1-0";
      },
    };
    closeRestoreGap(adapter);
    const first = adapter.publishAndReturnOffset("first"); // on its way to the stream
    const restored = adapter.restoreSession("a", "0-0"); // waits for it to be delivered
    const second = adapter.publishAndReturnOffset("second"); // waits for the restore
    await new Promise((done) => setImmediate(done));
    expect(order).toEqual(["publish first starts"]);
    publish.finish();
    await first;
    await t.expect.poll(() => order.at(-1)).toBe("restore a starts");
    restore.finish();
    await Promise.all([restored, second]);
    expect(order).toEqual([
      "publish first starts",
      "publish first ends",
      "restore a starts",
      "restore a ends",
      "publish second starts", // once the restored socket is in, by the next turn of the loop
      "publish second ends",
    ]);
  },
);

// These two change what the whole file shares, the clock and PATH: they run alone, after the rest.
test("a client away longer than AWAY_MS is told that what was sent meanwhile is lost", async (t) => {
  const { port, log } = await server(t);
  const heard = recorder("logger");
  const reader = startLogger({ port, print: heard.line });
  t.onTestFinished(reader.close);
  const speaker = await ioClient(t, port);
  speaker.socket.emit("speak", "before");
  await heard.until(/"before"/);
  const id = reader.socket.id;
  reader.socket.io.reconnection(false); // it stays away until the test brings it back
  reader.socket.io.engine.close();
  await log.until(new RegExp(`^${id} disconnected: transport close`));
  speaker.socket.emit("speak", "while away");
  await speaker.heard.until(/"while away"/);
  vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + AWAY_MS + 1000 }); // later than that
  t.onTestFinished(() => void vi.useRealTimers());
  reader.socket.connect();
  await heard.until(/^the server says: /);
  reader.socket.emit("speak", "sentinel", () => {});
  await heard.until(/"sentinel"/);
  expect(reader.socket.id).not.toBe(id); // a new session
  expect(heard.lines.slice(heard.lines.findIndex((l) => l.startsWith("lost ")))).toEqual([
    `lost the server at http://localhost:${port} (forced close): reconnecting`, // by the test
    `back: reconnected to http://localhost:${port} as ${reader.socket.id}`,
    `the server says: no session to recover (away over ${AWAY_MS / 1000} s, a killed server, ` +
      "or nothing heard yet): what was sent meanwhile is lost",
    `#2 message from ${reader.socket.id}: "sentinel"`, // never "while away"
  ]);
  expect(log.lines).toContain(`${reader.socket.id} connected (2 in the pool): its session is gone`);
});

test("without redis-server installed, the server says so in one line and recovers from memory", async (t) => {
  const path = process.env.PATH;
  process.env.PATH = "/nowhere"; // as on a machine without it
  t.onTestFinished(() => void (process.env.PATH = path));
  const { log } = await server(t, {});
  expect(log.lines).toEqual([
    "redis-server is not installed: apt-get install redis-server (or brew install redis); " +
      `sessions in this server's memory: a client back within ${AWAY_MS / 1000} s gets what ` +
      "it missed, but a restart loses them all",
  ]);
});
