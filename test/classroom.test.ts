import { afterAll, expect, test, vi } from "vitest";
import { EventEmitter } from "node:events";
import { readFile, stat } from "node:fs/promises";
import { createServer } from "node:http";
import { connect } from "node:net";
import { createInterface } from "node:readline";
import { PassThrough } from "node:stream";
import { styleText } from "node:util";
import { hostname, networkInterfaces } from "node:os";
import { Server } from "socket.io";
import { io } from "socket.io-client";
import { serveAdminUi } from "../classroom/admin-ui.ts";
import { commentary } from "../classroom/commentary.ts";
import { catchRejections, endClient } from "../classroom/redis-client.ts";
import { freePort, startRedisServer } from "../classroom/redis-server.ts";
import { listen } from "../classroom/socketio-server.ts";
import { connectRedis } from "../socketio-namespaces/redis.ts";
import { adminRefusal, isLoopback, thisMachine } from "../classroom/who-may-connect.ts";
import { readSettings } from "../classroom/settings.ts";
import { together } from "../classroom/together.ts";
import { KINDS } from "../socketio-demo/events.ts";
import {
  explainListenError,
  listeningLine,
  log,
  printable,
  STOP_MS,
  stopOnSignal,
} from "../classroom/terminal.ts";
import { get, recorder, runScript, startRedis, waitFor, type Context } from "./helpers.ts";

// Passed through, so that a test can make a read fail, a file appear, or the Wi-Fi change. A worker
// shares its modules between its files (vitest.config.ts): the files of classroom/ are imported
// again here, with these, and again by the files after this one, without them.
vi.hoisted(() => vi.resetModules());
afterAll(() => void vi.resetModules());
vi.mock("node:fs/promises", async (actual) => {
  const fs = await actual<typeof import("node:fs/promises")>();
  return { ...fs, readFile: vi.fn(fs.readFile), stat: vi.fn(fs.stat) };
});
vi.mock("node:os", async (actual) => {
  const os = await actual<typeof import("node:os")>();
  return { ...os, networkInterfaces: vi.fn(os.networkInterfaces) };
});

const read = (script: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
  readSettings(script, args, env).settings;

test("every setting is a flag and a variable, and the flag wins", () => {
  const env = { PORT: "5000", HOST: "from-the-variable", ADMIN_UI: "off" };
  expect(read("tcp:logger", [], env)).toEqual({ port: 5000, host: "from-the-variable" });
  expect(read("tcp:logger", ["--host", "192.0.2.2", "--port", "4001"], env)).toEqual({
    port: 4001,
    host: "192.0.2.2",
  });
  const server = read(
    "namespaces:server",
    ["--admin-password", "x", "--redis-url", "redis://r"],
    env,
  );
  expect(server).toEqual({
    port: 5000,
    host: "from-the-variable",
    adminUi: "off",
    adminPassword: "x",
    redisUrl: "redis://r",
    corsOrigins: undefined,
  });
  expect(read("socketio:server", ["--admin-ui", "on", "--cors-origins", "*"])).toMatchObject({
    adminUi: "on",
    corsOrigins: "*",
  });
});

test("without flags or variables, a script takes its lesson's port", () => {
  expect(read("tcp:app", [], { HOST: "" })).toEqual({ port: 4000, host: undefined });
  expect(read("socketio:logger", [])).toEqual({ port: 3000, host: undefined });
  expect(read("socketio:logger", ["--port", "0"])).toEqual({ port: 0, host: undefined });
  expect(read("socketio:logger", ["--port", "65535"])).toEqual({ port: 65535, host: undefined });
});

test("a bad setting is one line that says which, and what it takes", () => {
  const refused =
    (script: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
    () =>
      readSettings(script, args, env);
  const port = "must be a whole number from 0 to 65535";
  expect(refused("tcp:logger", ["--bogus"])).toThrow(/^Unknown option '--bogus': see --help$/);
  expect(refused("tcp:logger", ["--port"])).toThrow(
    /^Option '--port <value>' argument missing: see --help$/,
  );
  expect(refused("tcp:logger", ["stray"])).toThrow(/^Unexpected argument 'stray': see --help$/);
  expect(refused("tcp:logger", ["--port", "forty"])).toThrow(`--port ${port}, not "forty"`);
  expect(refused("tcp:logger", [], { PORT: "forty" })).toThrow(`PORT ${port}, not "forty"`);
  expect(refused("tcp:logger", [], { PORT: " " })).toThrow(`PORT ${port}, not " "`);
  expect(refused("namespaces:server", [], { PORT: "-1" })).toThrow(`PORT ${port}, not "-1"`);
  expect(refused("tcp:logger", ["--port", "-1"])).toThrow(
    /^Option '--port' argument is ambiguous: see --help$/,
  );
  expect(refused("tcp:logger", ["--port=-1"])).toThrow(`--port ${port}, not "-1"`);
  expect(refused("tcp:logger", ["--port", "65536"])).toThrow(`--port ${port}, not "65536"`);
  expect(refused("tcp:logger", ["--port", "1.5"])).toThrow(`--port ${port}, not "1.5"`);
  for (const typed of ["1e3", "0x13ee", "+4000"])
    expect(refused("tcp:logger", ["--port", typed])).toThrow(`--port ${port}, not "${typed}"`);
  expect(readSettings("tcp:logger", [], { PORT: "4001 " }).settings?.port).toBe(4001);
  expect(refused("socketio:server", ["--admin-ui", "maybe"])).toThrow(
    '--admin-ui is on or off, not "maybe"',
  );
  expect(refused("socketio:server", [], { ADMIN_UI: "no" })).toThrow(
    'ADMIN_UI is on or off, not "no"',
  );
});

test("a listening app of the busy store is told which kind it cares about, and only a kind will do", () => {
  const choices = { cares: KINDS }; // what its main guard passes on
  const settings =
    (script: string, args: string[], env = {}) =>
    () =>
      readSettings(script, args, env, choices);
  expect(settings("socketio:busy-listener", ["--cares", "refund"])().settings).toEqual({
    port: 3000,
    host: undefined,
    cares: "refund",
  });
  expect(settings("namespaces:busy-listener", [], { CARES: "review" })().settings).toMatchObject({
    cares: "review",
  });
  const kinds = "order, payment, shipment, refund, review";
  expect(settings("socketio:busy-listener", [])).toThrow(
    `--cares is needed: the kind of event a listening app handles, one of ${kinds}`,
  );
  expect(settings("socketio:busy-listener", ["--cares", "orders"])).toThrow(
    `--cares is one of ${kinds}, not "orders"`,
  );
  expect(settings("namespaces:busy-listener", [], { CARES: "Order" })).toThrow(
    `CARES is one of ${kinds}, not "Order"`,
  );
  expect(settings("socketio:busy-app", ["--cares", "order"])).toThrow(/^Unknown option '--cares'/);
  expect(settings("socketio:busy-listener", ["--help"])().help?.split("\n")).toContain(
    `  --cares, CARES: the kind of event a listening app handles: ${kinds}`,
  );
});

test("--help says what the script does, each setting it reads, and how to give one", () => {
  expect(readSettings("tcp:logger", ["--help"]).help?.split("\n")).toEqual([
    "npm run tcp:logger: The TCP lesson's logger: prints every line the server sends.",
    "",
    "Settings, a flag or a variable (a flag wins):",
    "  --port, PORT: the port a server listens on and clients connect to",
    "  --host, HOST: clients: the server's address; servers: the one address to listen on",
    "",
    "The port is 4000 unless set. Flags go after --:",
    "  npm run tcp:logger -- --port 4001",
  ]);
});

test("a server's first line says how to connect, here and from another machine", () => {
  const addresses = ["192.0.2.2", "192.0.2.3"];
  expect(
    listeningLine("tcp:server", { port: 4000, close: async () => {} }, undefined, addresses),
  ).toBe(
    "listening on port 4000: connect with npm run tcp:logger, or from another machine: " +
      "npm run tcp:logger -- --host 192.0.2.2 or 192.0.2.3",
  );
  const server = { port: 3001, admin: "/admin/ (log in as admin)", close: async () => {} };
  expect(listeningLine("socketio:server", server, "127.0.0.1", addresses)).toBe(
    "listening on port 3001: connect with npm run socketio:logger -- --port 3001, Admin UI at " +
      "http://localhost:3001/admin/ (log in as admin), or from another machine: " +
      "npm run socketio:logger -- --host 127.0.0.1 --port 3001",
  );
  expect(listeningLine("tcp:server", { port: 4000, close: async () => {} }, undefined, [])).toBe(
    "listening on port 4000: connect with npm run tcp:logger",
  );
});

test("a server that cannot listen says why in one line", () => {
  const failed = (code: string, message = "") => Object.assign(new Error(message), { code });
  const at = { port: 3000, host: "192.0.2.9" };
  expect(explainListenError(failed("EADDRINUSE"), at, "namespaces:server")).toBe(
    "port 3000 is busy: is a Socket.IO lesson's server running (socketio:server, " +
      "namespaces:server and delivery:server all use 3000)? Stop it (Ctrl-C), or pick another: npm run namespaces:server -- --host 192.0.2.9 --port 3001",
  );
  expect(explainListenError(failed("EADDRNOTAVAIL"), at, "tcp:server")).toBe(
    "--host 192.0.2.9 is not an address of this machine",
  );
  expect(explainListenError(failed("NO_REDIS", "no Redis at x"), at, "namespaces:server")).toBe(
    "no Redis at x",
  );
  expect(explainListenError(failed("EACCES", "denied"), at, "tcp:server")).toBe(
    "cannot listen on port 3000: denied",
  );
});

test(
  "a script given a bad flag prints the one line and exits with 2; the rest is settings' own",
  { tags: ["processes"] },
  async (t) => {
    const run = runScript(t, "tcp-demo/logger.ts", {}, { args: ["--admin-password", "x"] });
    expect(await run.exitCode()).toBe(2);
    expect(run.out.lines).toEqual(["Unknown option '--admin-password': see --help"]); // a logger takes none
  },
);

test("--help says what the script does and every setting it reads", () => {
  const help = readSettings("namespaces:server", ["--help"]).help?.split("\n") ?? [];
  expect(help[0]).toBe(
    "npm run namespaces:server: The namespaces lesson's server: /, /school with the codefellows room, /home, and /store.",
  );
  const flags = help.filter((line) => line.startsWith("  --")).map((l) => l.split(":")[0]);
  expect(flags).toEqual([
    "  --port, PORT",
    "  --host, HOST",
    "  --cors-origins, CORS_ORIGINS",
    "  --admin-ui, ADMIN_UI",
    "  --admin-password, ADMIN_PASSWORD",
    "  --redis-url, REDIS_URL",
  ]);
});

test("the flood summary counts a whole second, and says when the flood is over", (t) => {
  vi.useFakeTimers();
  t.onTestFinished(() => void vi.useRealTimers());
  const log = recorder("commentary");
  const say = commentary(log.line, () => 7);
  t.onTestFinished(say.stop);
  const aSecond = (lines: () => void) => {
    const before = log.lines.length;
    lines();
    vi.advanceTimersByTime(1000);
    return log.lines.slice(before);
  };
  const times = (n: number, line: (i: number) => void) => {
    for (let i = 1; i <= n; i++) line(i);
  };
  const over = "over 30 lines a second: one summary a second instead";
  const calm = "the flood is over: one line per event again";
  const summary = (events: number, dropped: number) =>
    `last second: ${events} events passed on, ${dropped} dropped, 7 clients`;

  // a client thrown out counts as a line: 2 + 28 lines, then the 31st turns to summaries
  const first = aSecond(() => {
    say.event("speak from abc123", "hello");
    say.droppedClient("def456 dropped: it stopped reading");
    times(39, (id) => say.event("create from abc123", { id }));
    say.refused("abc123 sent unknown event");
    say.droppedClient("ghi789 dropped: it stopped reading");
  });
  expect(first).toEqual([
    "speak from abc123: hello",
    "def456 dropped: it stopped reading",
    ...Array.from({ length: 28 }, (_, i) => `create from abc123: {"id":${i + 1}}`),
    over,
    "ghi789 dropped: it stopped reading",
    summary(40, 3),
  ]);
  const event = () => say.event("create from abc123", { id: 0 });
  expect(aSecond(() => times(31, event))).toEqual([summary(31, 0)]); // still a flood
  expect(aSecond(() => times(30, event))).toEqual([summary(30, 0), calm]); // 30 is not
  expect(aSecond(() => say.line("one line an event"))).toEqual(["one line an event"]);

  const notes = () => times(31, (i) => say.line(`note ${i}`));
  expect(aSecond(notes)).toEqual([
    ...Array.from({ length: 30 }, (_, i) => `note ${i + 1}`),
    over,
    summary(0, 0),
  ]);
  expect(aSecond(() => {})).toEqual([calm]); // a silent second has nothing to sum up

  say.stop();
  expect(aSecond(notes).slice(-2)).toEqual(["note 30", over]); // stopped: no summary comes
  vi.advanceTimersByTime(5000);
  expect(log.lines.at(-1)).toBe(over);
});

test("a Host names this machine only when it is localhost, a loopback address, an address or name of it", () => {
  const ours = thisMachine("192.0.2.77");
  const addresses = Object.values(networkInterfaces()).flatMap((all) => all ?? []);
  const own = addresses.map((a) => (a.family === "IPv6" ? `[${a.address}]:3000` : a.address));
  const names = [
    "localhost:3000",
    "LOCALHOST",
    "127.0.0.1:3000",
    "127.0.0.2",
    "[::1]:3000",
    "[::1]",
  ];
  for (const name of [...names, `${hostname()}:3000`, "192.0.2.77:3000", ...own]) {
    expect(ours(name), name).toBe(true);
  }
  for (const name of [
    "evil.example:3000",
    "localhost.evil.example",
    "127.0.0.1.evil.example",
    "evil.example[::1]",
    "[::1].evil.example",
    "127.0:1.0.1", // no port at its end, and no address either
    "",
    undefined,
  ]) {
    expect(ours(name), String(name)).toBe(false);
  }
});

test("after a Wi-Fi change mid-lesson, students on the new address are let in, with no restart", (t) => {
  const wifi = (address: string) => ({
    lo: [{ address: "127.0.0.1", netmask: "255.0.0.0", family: "IPv4" as const, internal: true }],
    wlan0: [{ address, netmask: "255.255.255.0", family: "IPv4" as const, internal: false }],
  });
  const interfaces = vi.mocked(networkInterfaces);
  t.onTestFinished(() => void interfaces.mockReset()); // the machine's own again
  interfaces.mockReturnValue(wifi("192.0.2.10") as never);
  const ours = thisMachine(); // the server starts on the school's Wi-Fi...
  expect(ours("192.0.2.10:3000")).toBe(true);
  interfaces.mockReturnValue(wifi("198.51.100.7") as never); // ...and the class moves to a hotspot
  expect(ours("198.51.100.7:3000")).toBe(true);
  expect(ours("192.0.2.10:3000")).toBe(false); // no longer this machine's
});

test("without a password the Admin UI answers a loopback peer only; with one, anyone who logs in", () => {
  for (const peer of ["127.0.0.1", "::1", "::ffff:127.0.0.1", "127.1.2.3"]) {
    expect(isLoopback(peer), peer).toBe(true);
    expect(adminRefusal(peer, undefined), peer).toBeUndefined();
  }
  for (const peer of ["192.0.2.5", "::ffff:192.0.2.5", "10.0.0.127", "fe80::1", undefined]) {
    expect(adminRefusal(peer, undefined), String(peer)).toMatch(
      /^From another machine the Admin UI needs a password: start the server with npm run socketio:server -- --admin-password … /,
    );
    expect(adminRefusal(peer, "open sesame"), String(peer)).toBeUndefined();
  }
});

test("from another machine, the Admin UI's page without a password says in one line what to do", async (t) => {
  const io = new Server(createServer()); // never listening: only its Admin UI is asked
  t.onTestFinished(() => io.close());
  const admin = serveAdminUi(io, 3000, {});
  const answered: { status?: number; headers?: object; text?: string } = {};
  const response = {
    writeHead: (status: number, headers: object) => (
      Object.assign(answered, { status, headers }),
      response
    ),
    end: (text: string) => ((answered.text = text), response),
  };
  const from = (remoteAddress: string) => ({ socket: { remoteAddress } });
  admin?.serve("/admin/", from("192.0.2.5") as never, response as never);
  expect(answered.status).toBe(403);
  expect(answered.headers).toEqual({ "content-type": "text/plain" });
  expect(answered.text).toMatch(
    /^From another machine the Admin UI needs a password: .*log in as admin\.\n$/,
  );
  const refused = await new Promise<Error | undefined>((done) => {
    const gate = (
      io.of("/admin") as unknown as { _fns: ((s: unknown, n: (e?: Error) => void) => void)[] }
    )._fns.at(-1);
    gate?.({ handshake: { address: "192.0.2.5" } }, done);
  });
  expect(refused?.message).toMatch(/^From another machine the Admin UI needs a password/);
});

// A server with the Admin UI and nothing else, on loopback.
async function adminUiServer(t: Context) {
  const http = createServer();
  const say = commentary(
    () => {},
    () => 0,
  );
  const server = await listen({ http, io: new Server(http), say }, { port: 0, host: "127.0.0.1" });
  t.onTestFinished(server.close);
  return server.port;
}

test("without a password the Admin UI's namespace takes no join, leave or disconnect", async (t) => {
  const port = await adminUiServer(t);
  const admin = io(`http://127.0.0.1:${port}/admin`, { forceNew: true, reconnection: false });
  t.onTestFinished(() => void admin.disconnect());
  const [config] = await waitFor(admin as never, "config"); // what it tells the UI it may do
  expect(config).toEqual({ supportedFeatures: ["AGGREGATED_EVENTS", "ALL_EVENTS"] });
});

test("a page of the Admin UI that cannot be read is a 500, and the server goes on serving", async (t) => {
  const port = await adminUiServer(t);
  const page = (path: string) =>
    fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(5000) });
  for (const path of ["/admin/", "/admin/favicon.png"]) {
    vi.mocked(readFile).mockRejectedValueOnce(Object.assign(new Error("EIO"), { code: "EIO" }));
    expect((await page(path)).status, path).toBe(500);
  }
  const again = await page("/admin/");
  expect(again.status).toBe(200);
  expect(await again.text()).toContain("<title>Socket.IO Admin UI</title>");
});

test("the Admin UI serves its own folders, not one beside them whose name starts alike", async (t) => {
  const port = await adminUiServer(t);
  // as if every path were a file reading "secret": ui/dist-old/ beside ui/dist/, @mdi/font-old/...
  vi.mocked(stat).mockResolvedValue({ isFile: () => true } as never);
  vi.mocked(readFile).mockResolvedValue(Buffer.from("secret"));
  t.onTestFinished(() => void [stat, readFile].map((mocked) => vi.mocked(mocked).mockReset()));
  for (const path of [
    "/admin/../dist-old/secret.txt",
    "/admin/vendor/mdi/../font-old/secret.txt",
    "/admin/vendor/roboto/../roboto-old/secret.txt",
    "/admin/../../../../../etc/passwd",
  ]) {
    expect(await get(port, path), path).toEqual({ status: 404, text: "" });
  }
  expect(await get(port, "/admin/favicon.png")).toEqual({ status: 200, text: "secret" }); // inside
});

test("a private redis-server is ready once it answers, or says in one line that none is installed", async (t) => {
  const { url } = await startRedis(t);
  const client = connect(Number(new URL(url).port), "127.0.0.1");
  t.onTestFinished(() => void client.destroy());
  client.write("PING\r\n"); // at once: it must be listening already
  const [answer] = await waitFor(client, "data");
  expect(String(answer)).toBe("+PONG\r\n");

  const path = process.env.PATH;
  process.env.PATH = "/nowhere"; // as on a machine without it
  t.onTestFinished(() => void (process.env.PATH = path));
  await expect(startRedisServer(await freePort())).rejects.toThrow(
    /^redis-server is not installed: apt-get install redis-server \(or brew install redis\)$/,
  );
});

// What the servers' Redis clients share: an answer that no one waits for fails unheard, and an end
// waits STOP_MS at most for a close, and ends a client that was still connecting once it gets there.
test("a Redis command no one waits for fails unheard; the caller who waits still hears it", async (t) => {
  const unheard = vi.fn();
  process.on("unhandledRejection", unheard);
  t.onTestFinished(() => void process.off("unhandledRejection", unheard));
  const sent: unknown[][] = [];
  const client = {
    name: "redis",
    publish(this: { name: string }, ...args: never[]) {
      sent.push([this.name, ...args]);
      return Promise.reject(new Error("Redis is gone"));
    },
  };
  catchRejections(client, "publish");
  void client.publish(...(["a", "b"] as never[])); // as the adapter does, its answer unread
  await expect(client.publish()).rejects.toThrow("Redis is gone");
  await new Promise((done) => setImmediate(done)); // where a rejection would be unhandled
  expect(unheard).not.toHaveBeenCalled();
  expect(sent).toEqual([["redis", "a", "b"], ["redis"]]);
});

test(
  "a Redis client's end: a close waited for STOP_MS at most, a connecting one ended once ready",
  { timeout: STOP_MS + 3000 }, // a close waited for without end fails here, not after a minute
  async () => {
    const fake = (isReady: boolean, close: () => Promise<unknown>) => {
      const client = Object.assign(new EventEmitter(), { isReady, did: [] as string[] });
      return Object.assign(client, {
        close: () => (client.did.push("close"), close()),
        destroy: () => void client.did.push("destroy"),
      });
    };
    const quick = fake(true, async () => {});
    await endClient(quick);
    expect(quick.did).toEqual(["close", "destroy"]);
    const failing = fake(true, () => Promise.reject(new Error("Redis is gone")));
    await endClient(failing);
    expect(failing.did).toEqual(["close", "destroy"]);
    const hung = fake(true, () => new Promise(() => {})); // a Redis that died mid-close
    const started = performance.now();
    await endClient(hung); // its wait is node:timers/promises', which fake timers leave alone
    expect(performance.now() - started).toBeGreaterThanOrEqual(STOP_MS - 1);
    expect(hung.did).toEqual(["close", "destroy"]);
    const connecting = fake(false, async () => {});
    await endClient(connecting);
    expect(connecting.did).toEqual(["destroy"]);
    connecting.emit("ready"); // it got there after all: ended again, not left connected
    expect(connecting.did).toEqual(["destroy", "destroy"]);
  },
);

test("with no Redis at REDIS_URL, connecting says so and leaves nothing running", async (t) => {
  const nothing = await freePort();
  const url = `redis://127.0.0.1:${nothing}`;
  await expect(connectRedis(url, () => {})).rejects.toMatchObject({
    code: "NO_REDIS",
    message: `no Redis at ${url}: start it (redis-server), or run without --redis-url (REDIS_URL)`,
  });
  expect(await connectRedis(undefined, () => {})).toEqual({});
});

test("what a client sent prints as text: control characters show as \\x1b and the like, the rest as it is", (t) => {
  expect(printable("create \x1b[2J\x1b]0;pwned\x07")).toBe(
    String.raw`create \x1b[2J\x1b]0;pwned\x07`,
  );
  expect(printable("tab\there\nnew\r\x00\x7f\x80\x9b\x9f")).toBe(
    "tab\there" + String.raw`\x0anew\x0d\x00\x7f\x80\x9b\x9f`,
  );
  expect(printable("\xa0café ✓ 日本 🙂")).toBe("\xa0café ✓ 日本 🙂");
  const printed = vi.spyOn(console, "log").mockImplementation(() => {});
  t.onTestFinished(() => printed.mockRestore());
  log("create \x1b[2J"); // every script prints through log()
  log(`create ${"x".repeat(64 * 1024)}`); // a line as long as a TCP client may send
  expect(printed.mock.calls).toEqual([
    [expect.stringMatching(/^\d\d:\d\d:\d\d create \\x1b\[2J$/)],
    [expect.stringMatching(/^\d\d:\d\d:\d\d create x{493}… \(65543 characters\)$/)],
  ]);
});

test("Ctrl-C ends a script within two seconds whatever its close waits for; a failed close is one line", async (t) => {
  vi.useFakeTimers({ toFake: ["setTimeout"] });
  const exit = vi.spyOn(process, "exit").mockImplementation((() => {}) as never);
  const error = vi.spyOn(console, "error").mockImplementation(() => {});
  const signals = ["SIGINT", "SIGTERM"] as const;
  const before = signals.map((signal) => process.listeners(signal));
  t.onTestFinished(() => {
    signals.forEach((signal, i) => {
      for (const added of process.listeners(signal).filter((l) => !before[i].includes(l)))
        process.off(signal, added);
    });
    [exit, error].forEach((spy) => spy.mockRestore());
    vi.useRealTimers();
  });
  stopOnSignal(() => new Promise(() => {})); // a close that never ends
  process.emit("SIGINT");
  await vi.advanceTimersByTimeAsync(1999);
  expect(exit).not.toHaveBeenCalled();
  await vi.advanceTimersByTimeAsync(1);
  expect(exit.mock.calls).toEqual([[0]]);

  exit.mockClear();
  stopOnSignal(() => Promise.reject(new Error("the socket is gone")));
  process.emit("SIGINT");
  await vi.waitFor(() => expect(exit).toHaveBeenCalled());
  expect(error.mock.calls).toEqual([["could not close cleanly: the socket is gone"]]);
  expect(exit.mock.calls[0]).toEqual([2]);
});

// A script of one terminal, as a line of code for node to run
const node = (code: string) => `node -e '${code}'`;

test("one terminal: a script that ends ends them all, with its code; Ctrl-C closes the clients first", async () => {
  const signals = ["SIGINT", "SIGTERM"] as const;
  const before = signals.map((signal) => process.listenerCount(signal));
  const listening = 'console.log("listening on port 1");';
  const forever = { name: "forever", command: node(`${listening} setInterval(() => {}, 1000)`) };
  const ending = (code: number) => ({
    name: `exits ${code}`,
    command: node(`${listening} setTimeout(() => process.exit(${code}), 50)`),
  });
  const did: string[] = [];
  const client = {
    name: "client",
    start: () => (did.push("started"), { close: () => void did.push("closed") }),
  };
  const output = new PassThrough();
  const shown = recorder("the one terminal");
  createInterface({ input: output }).on("line", shown.line);
  // a failure, or an end, stops forever too: the terminal's code is 0 only if every script's is
  expect(await together([forever, ending(3)], [], output)).toBe(1);
  expect(await together([forever, ending(2)], [], output)).toBe(1);
  expect(await together([forever, ending(0)], [], output)).toBe(1);
  expect(await together([ending(0)], [client], output)).toBe(0);
  expect(did).toEqual(["started", "closed"]);
  // concurrently's word on an end, but where the script has said why itself (a mistake: 2), there
  // is nothing to say (0), or the terminal stopped it (forever, by SIGTERM, three times)
  const ends = shown.lines.filter((line) => / exited with code /.test(line));
  expect(ends).toEqual([expect.stringMatching(/^\[exits 3\] exec node -e .* exited with code 3$/)]);
  for (const signal of signals) {
    const stopped = together([forever], [client], output);
    await vi.waitFor(() => expect(did.at(-1)).toBe("started"), { timeout: 10_000 });
    const closed = did.length + 1;
    process.emit(signal, signal); // Ctrl-C, or a kill, as Node emits them
    expect([did.length, did.at(-1)]).toEqual([closed, "closed"]); // at once: none says it lost its server
    expect(await stopped).toBe(signal === "SIGINT" ? 0 : 1); // forever, stopped: Ctrl-C is no failure
    expect(did).toHaveLength(closed); // closed once, not again as the terminal ends
    // neither handler left behind: the other signal's would still be there, unfired
    expect(signals.map((signal) => process.listenerCount(signal))).toEqual(before);
  }
});

test("one terminal: the clients start once, when every server has said it listens, and never before", async () => {
  const did: string[] = [];
  const output = new PassThrough().resume();
  const compiling = { name: "compiling", command: node(`console.log("compiling")`) };
  const nothing = { name: "client", start: () => (did.push("started"), { close: () => {} }) };
  expect(await together([compiling], [nothing], output)).toBe(0);
  expect(did).toEqual([]); // it never said it listens
  // a server that says it listens again once the client is in, as a save would have it say
  const port = await freePort();
  const listening = `console.log("listening on port ${port}")`;
  const saved = {
    name: "saved",
    command: node(
      `const s = require("net").createServer((c) => (c.end(), s.close(), ${listening}));` +
        `s.listen(${port}, "127.0.0.1", () => ${listening})`,
    ),
  };
  const client = {
    name: "client",
    start: () => {
      did.push("started");
      const socket = connect(port, "127.0.0.1").on("error", () => {});
      return { close: () => void (socket.destroy(), did.push("closed")) };
    },
  };
  expect(await together([saved], [client], output)).toBe(0);
  expect(did).toEqual(["started", "closed"]); // not started again
});

test("one terminal: each client's label has a colour of its own, after the servers'", async (t) => {
  vi.stubEnv("FORCE_COLOR", "1"); // a terminal: from Node 22, styleText() checks that it has colours
  t.onTestFinished(() => void vi.unstubAllEnvs());
  const output = new PassThrough();
  const out = recorder("the one terminal");
  createInterface({ input: output }).on("line", out.line);
  const server = { name: "server", command: node('console.log("listening on port 1")') };
  const speaks = (name: string) => ({
    name,
    start: (print: (line: string) => void) => (print("hello"), { close: () => {} }),
  });
  await together([server], [speaks("logger"), speaks("app")], output);
  await out.until((lines) => lines.filter((line) => line.endsWith(" hello")).length >= 2);
  const labels = out.lines.flatMap((line) => /^(\S+) \d\d:\d\d:\d\d hello$/.exec(line)?.[1] ?? []);
  // the server's is blue, the first of the colours: concurrently's, which goes by the real terminal
  expect(labels).toEqual([styleText("green", "[logger]"), styleText("magenta", "[app]")]);
  expect(labels[0]).toBe("\x1b[32m[logger]\x1b[39m");
});

test("one terminal: a client's first line is a connect, not no server: clients start once every server listens", async () => {
  const [early, late] = [await freePort(), await freePort()];
  const server = (port: number, ms: number) => ({
    name: `server ${port}`,
    command: node(
      // it ends once a client came, and with it the whole terminal
      `setTimeout(() => { const s = require("net").createServer((c) => (c.end(), s.close()));` +
        `s.listen(${port}, "127.0.0.1", () => console.log("listening on port ${port}")) }, ${ms})`,
    ),
  });
  const client = {
    name: "client",
    start: (print: (line: string) => void) => {
      const sockets = [early, late].map((port) =>
        connect(port, "127.0.0.1")
          .on("connect", () => print(`connected to ${port}`))
          .on("error", () => print(`no server on ${port}`)),
      );
      return { close: () => sockets.forEach((socket) => socket.destroy()) };
    },
  };
  const output = new PassThrough();
  const out = recorder("the one terminal", 20_000);
  createInterface({ input: output }).on("line", (line) =>
    out.line(line.replace(/\x1b\[[\d;]*m/g, "")),
  );
  const ended = together([server(early, 0), server(late, 1000)], [client], output);
  await out.until((lines) => lines.filter((line) => line.startsWith("[client] ")).length >= 2);
  await ended; // the servers end the whole terminal: they close as soon as they are connected to
  const said = out.lines.flatMap(
    (line) => /^\[client\] \d\d:\d\d:\d\d (.*)$/.exec(line)?.[1] ?? [],
  );
  expect(said.sort()).toEqual([early, late].map((port) => `connected to ${port}`).sort());
});
