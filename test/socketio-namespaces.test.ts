import { once } from "node:events";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { hostname, networkInterfaces } from "node:os";
import { io, Manager } from "socket.io-client";
import { expect, test, vi } from "vitest";
import type { Options } from "../classroom/settings.ts";
import { MOST_NESTED } from "../classroom/shallow.ts";
import { startLogger as startCodefellowsLogger } from "../socketio-namespaces/codefellows-logger.ts";
import { startLogger as startHomeLogger } from "../socketio-namespaces/home-logger.ts";
import { startLogger as startSchoolLogger } from "../socketio-namespaces/school-logger.ts";
import { startServer as startOtherLessonServer } from "../socketio-demo/server.ts";
import { startServer } from "../socketio-namespaces/server.ts";
import { startApp as startBusyApp } from "../socketio-namespaces/busy-app.ts";
import { startListener } from "../socketio-namespaces/busy-listener.ts";
import {
  ask,
  expectReadmeOutput,
  FAST,
  freePort,
  get,
  handshake,
  ioClient,
  recorder,
  runScript,
  runScriptCommand,
  waitFor,
  withoutTime,
  type Context,
} from "./helpers.ts";
import { app, events, expectEachSlice, loggers } from "./namespaces.ts";
import {
  expectBusyPage,
  expectCountsAlone,
  expectDropsAndRefusals,
  expectEachHandlesItsKind,
  listeners,
  pump,
} from "./busy.ts";

async function server(t: Context, port = 0, settings: Options = {}) {
  const log = recorder("server");
  const started = await startServer({ port, print: log.line, ...settings });
  t.onTestFinished(() => started.close());
  return { ...started, log };
}

test.concurrent(
  "each logger sees exactly its slice: core, home, school without lesson, codefellows with lesson",
  async (t) => {
    const { port } = await server(t);
    const logs = await loggers(t, port);
    await expectEachSlice(app(t, port), logs);
    const pages = ["page/index.html", "page/page.css"].map((name) =>
      readFileSync(new URL(`../socketio-namespaces/${name}`, import.meta.url), "utf8"),
    );
    const served = async (path: string) => {
      const response = await fetch(`http://localhost:${port}${path}`);
      return [response.headers.get("content-type"), await response.text()];
    };
    t.expect(await served("/")).toEqual(["text/html; charset=utf-8", pages[0]]); // four panes of the same
    t.expect(await served("/page.css")).toEqual(["text/css; charset=utf-8", pages[1]]);
  },
);

test.concurrent(
  "the app's three namespaces share one underlying connection; each logger has its own",
  async (t) => {
    const { port, io } = await server(t);
    const logs = await loggers(t, port);
    const { sockets, said } = app(t, port);
    await said.until((lines) => lines.filter((l) => l.startsWith("connected to")).length === 3);
    for (const [name, socket] of Object.entries(sockets)) {
      t.expect(said.lines).toContain(
        `connected to http://localhost:${port}${name} as ${socket.id}`,
      );
    }
    const connectionOf = (namespace: string, id: string | undefined) =>
      io.of(namespace).sockets.get(id ?? "")?.client; // one Client per connection
    const appConnection = connectionOf("/", sockets["/"].id);
    t.expect(appConnection).toBeDefined();
    t.expect(connectionOf("/school", sockets["/school"].id)).toBe(appConnection);
    t.expect(connectionOf("/home", sockets["/home"].id)).toBe(appConnection);
    const loggerConnections = [
      connectionOf("/", logs.core.socket.id),
      connectionOf("/home", logs.home.socket.id),
      connectionOf("/school", logs.school.socket.id),
      connectionOf("/school", logs.codefellows.socket.id),
    ];
    t.expect(new Set([appConnection, ...loggerConnections]).size).toBe(5);
  },
);

test.concurrent(
  "after a server restart the codefellows logger is back in its room; the school logger still gets no lesson",
  async (t) => {
    const first = await server(t);
    const logs = await loggers(t, first.port);
    await first.close();
    await logs.codefellows.heard.until(/^lost the server/);
    const second = await server(t, first.port);
    await logs.codefellows.heard.until(
      (lines) => lines.filter((l) => l === "/school joined room codefellows").length === 2,
      5000,
    );
    await logs.school.heard.until(/^back: reconnected/, 5000);
    const teacher = await ioClient(t, second.port, "/school");
    teacher.socket.emit("lesson", "after the restart");
    teacher.socket.emit("speak", "sentinel");
    await logs.codefellows.heard.until(/sentinel"$/);
    await logs.school.heard.until(/sentinel"$/);
    t.expect(events(logs.codefellows.heard.lines)).toEqual([
      `/school lesson from ${teacher.socket.id}: "after the restart"`,
      `/school message from ${teacher.socket.id}: "sentinel"`,
    ]);
    t.expect(events(logs.school.heard.lines)).toEqual([
      `/school message from ${teacher.socket.id}: "sentinel"`,
    ]);
  },
);

test.concurrent(
  "a bad join changes no room; a lesson reaches the codefellows room only, and outside /school no one",
  async (t) => {
    const { port, io, log } = await server(t);
    const logs = await loggers(t, port);
    const student = await ioClient(t, port, "/school");
    // a classmate's own room (every socket is in one named after its id), or any room but the lesson's
    const bad = [
      [],
      [""],
      [42],
      [null],
      ["two words"],
      [["codefellows"]],
      ["x"],
      [logs.school.socket.id],
    ];
    for (const room of bad) {
      const shown = room.length ? JSON.stringify(room[0]) : "nothing";
      t.expect(await ask(student.socket, "join", ...room)).toEqual({
        ok: false,
        error: `join takes a room of this lesson (codefellows), not ${shown}`,
      });
    }
    t.expect([...(io.of("/school").sockets.get(student.socket.id ?? "")?.rooms ?? [])]).toEqual([
      student.socket.id,
    ]);
    t.expect(io.of("/school").adapter.rooms.get("codefellows")?.size).toBe(1); // the codefellows logger alone

    const core = await ioClient(t, port, "/");
    const home = await ioClient(t, port, "/home");
    t.expect(await ask(core.socket, "lesson", "not here")).toEqual({
      ok: false,
      error: '/ has no "lesson" event; it takes speak',
    });
    t.expect(await ask(home.socket, "lesson", "nor here")).toEqual({
      ok: false,
      error: '/home has no "lesson" event; it takes speak',
    });
    t.expect(await ask(student.socket, "lesson", "the lesson")).toEqual({ ok: true, heardBy: 1 });
    // The lesson is handed out before its receipt comes back, so a speak sent now reaches each logger
    // after anything the lesson wrongly sent it: each logger's whole list, up to it, is its slice.
    const senders = { core: core.socket, home: home.socket, school: student.socket };
    for (const sender of Object.values(senders)) sender.emit("speak", "sentinel");
    for (const { heard } of Object.values(logs)) await heard.until(/"sentinel"$/);
    const said = (nsp: string, socket: { id?: string }, event: string, what: string) =>
      `${nsp} ${event} from ${socket.id}: "${what}"`;
    t.expect(events(logs.codefellows.heard.lines)).toEqual([
      said("/school", student.socket, "lesson", "the lesson"),
      said("/school", student.socket, "message", "sentinel"),
    ]);
    t.expect(events(logs.school.heard.lines)).toEqual([
      said("/school", student.socket, "message", "sentinel"),
    ]);
    t.expect(events(logs.core.heard.lines)).toEqual([
      said("/", core.socket, "message", "sentinel"),
    ]);
    t.expect(events(logs.home.heard.lines)).toEqual([
      said("/home", home.socket, "message", "sentinel"),
    ]);
    t.expect(log.lines.filter((l) => / refused: /.test(l))).toHaveLength(bad.length + 2);
  },
);

test.concurrent(
  "a packet nested too deep drops its connection, every namespace on it: one line in the log",
  async (t) => {
    const { port, log } = await server(t);
    // one connection, two namespaces, as the lesson's app has
    const manager = new Manager(`http://localhost:${port}`, { reconnection: false });
    const [school, home] = ["/school", "/home"].map((nsp) => manager.socket(nsp));
    t.onTestFinished(() => void [school, home].map((socket) => socket.disconnect()));
    const receipts = [school, home].map((socket) => waitFor(socket as never, "receipt"));
    await Promise.all([school, home].map((socket) => waitFor(socket as never, "connect")));
    const ids = [school.id, home.id];
    const deep = "[".repeat(MOST_NESTED) + "]".repeat(MOST_NESTED); // one more in its packet
    manager.engine.send(`2/sch"ool,["join",${deep}]`); // a quote in a namespace is no string
    const dropped = `dropped: a packet nested over ${MOST_NESTED} deep`;
    for (const [receipt] of await Promise.all(receipts))
      t.expect(receipt).toEqual({ ok: false, error: dropped });
    for (const id of ids) await log.until(new RegExp(`^/\\w+ ${id} disconnected: `));
    t.expect(log.lines.filter((line) => line.endsWith(dropped))).toEqual([
      expect.stringMatching(new RegExp(`^/(school ${ids[0]}|home ${ids[1]}) ${dropped}$`)),
    ]);
  },
);

test.concurrent(
  "speak and lesson carry text or a record; a sender without a callback gets a receipt event",
  async (t) => {
    const { port, log } = await server(t);
    const student = await ioClient(t, port, "/school");
    const home = await ioClient(t, port, "/home");
    const takes = 'takes text or a record like {"id":1,"change":"created"}, not';
    t.expect(await ask(student.socket, "speak", null)).toEqual({
      ok: false,
      error: `speak ${takes} null`,
    });
    t.expect(await ask(student.socket, "lesson", "  ")).toEqual({
      ok: false,
      error: `lesson ${takes} "  "`,
    });
    t.expect(await ask(home.socket, "speak", { id: "1", change: "created" })).toEqual({
      ok: false,
      error: `speak ${takes} {"id":"1","change":"created"}`,
    });
    t.expect(await ask(student.socket, "lesson", "x".repeat(20_000))).toEqual({
      ok: false,
      error: "lesson is too big: 20002 bytes, at most 10000",
    });
    t.expect(await ask(student.socket, "lesson", { id: 1, change: "updated" })).toEqual({
      ok: true,
      heardBy: 0, // nobody has joined codefellows
    });
    home.socket.emit("speak", "no callback");
    student.socket.emit("join", "codefellows");
    student.socket.emit("lesson", 5);
    await home.heard.until(/^receipt/);
    await student.heard.until((lines) => lines.filter((l) => l.startsWith("receipt")).length === 2);
    t.expect(home.heard.lines.filter((l) => l.startsWith("receipt"))).toEqual([
      'receipt [{"ok":true,"heardBy":1}]',
    ]);
    t.expect(student.heard.lines.filter((l) => l.startsWith("receipt"))).toEqual([
      'receipt [{"ok":true,"joined":"codefellows"}]',
      `receipt [{"ok":false,"error":"lesson ${takes.replaceAll('"', '\\"')} 5"}]`,
    ]);
    t.expect(await ask(student.socket, "fly", "away")).toEqual({
      ok: false,
      error: '/school has no "fly" event; it takes speak, join, lesson',
    });
    t.expect(log.lines.filter((l) => / refused: /.test(l))).toHaveLength(6);
    t.expect(log.lines).toContain(
      `/school lesson from ${student.socket.id}: {"id":1,"change":"updated"}`,
    );
    t.expect(log.lines).toContain(`/home speak from ${home.socket.id}: no callback`);
  },
);

test.concurrent(
  "a logger prints what its namespace sends: a message as who said what, anything else as JSON",
  async (t) => {
    const { port, io } = await server(t);
    const heard = recorder("home logger");
    const { socket, close } = startHomeLogger({ port, print: heard.line });
    t.onTestFinished(close);
    await heard.until(/ welcome /);
    io.of("/home").emit("notice" as never, { speech: "said by no one" });
    io.of("/home").emit("notice" as never, { from: "teacher" }); // who, but nothing said
    io.of("/home").emit("ping" as never); // an event with nothing in it
    io.of("/home").emit("message", { from: "teacher", speech: { id: 1, change: "created" } });
    await heard.until(/teacher/);
    t.expect(heard.lines).toEqual([
      `connected to http://localhost:${port}/home as ${socket.id}`,
      `/home welcome {"id":"${socket.id}","clients":1}`,
      '/home notice {"speech":"said by no one"}',
      '/home notice {"from":"teacher"}',
      "/home ping undefined",
      '/home message from teacher: {"id":1,"change":"created"}',
    ]);
  },
);

test.concurrent(
  "the codefellows logger prints a refused join as the server words it",
  async (t) => {
    const http = createServer().listen(0);
    const refusing = new Server(http);
    t.onTestFinished(() => refusing.close());
    refusing
      .of("/school")
      .on("connection", (socket) =>
        socket.on("join", (_room, reply) => reply({ ok: false, error: "no rooms today" })),
      );
    await once(http, "listening");
    const heard = recorder("codefellows logger");
    const logger = startCodefellowsLogger({
      port: (http.address() as AddressInfo).port,
      print: heard.line,
    });
    t.onTestFinished(logger.close);
    await heard.until(/^\/school no rooms today$/);
  },
);

test.concurrent(
  "the app drops what it cannot send, then says where it connected and prints what it hears",
  async (t) => {
    const port = await freePort();
    const { said, sockets } = app(t, port);
    await said.until(
      /^dropped \/home speak \{"id":\d+,"change":"\w+","at":"[^"]+"\} \(not connected\)$/,
    );
    const noServer = `no server at http://localhost:${port}/school: start it with npm run namespaces:server -- --port ${port} (retrying)`;
    await said.until((lines) => lines.includes(noServer)); // each namespace says it on its own time
    await server(t, port);
    await said.until(/^\/school heard message from /);
    const school = sockets["/school"].id;
    t.expect(said.lines).toContain(`connected to http://localhost:${port}/school as ${school}`);
    t.expect(said.lines.find((l) => l.startsWith("/school heard"))).toMatch(
      new RegExp(
        `^/school heard message from ${school}: \\{"id":\\d+,"change":"\\w+","at":"[^"]+"\\}$`,
      ),
    );
  },
);

test.concurrent(
  "npm run namespaces:server on a busy port ends with one line, not waiting for a save",
  { tags: ["processes"] },
  async (t) => {
    const { port } = await server(t);
    const busy = runScriptCommand(t, "namespaces:server", ["--port", String(port)]);
    t.expect(await busy.exitCode()).toBe(2);
    t.expect(busy.out.lines).toEqual([
      `port ${port} is busy: is a Socket.IO lesson's server running (socketio:server, ` +
        `namespaces:server and delivery:server all use 3000)? Stop it (Ctrl-C), or pick another: ` +
        `npm run namespaces:server -- --port ${port + 1}`,
    ]);
  },
);

test("a flood into /home gets one summary a second in the log, and every message still goes out", async (t) => {
  vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] }); // the summary's tick: ours to move
  t.onTestFinished(() => void vi.useRealTimers());
  const { port, log } = await server(t);
  const listener = await ioClient(t, port, "/home");
  const flooder = await ioClient(t, port, "/home");
  for (let id = 1; id <= 100; id++) flooder.socket.emit("speak", { id, change: "created" });
  flooder.socket.emit("lesson", "not here");
  await listener.heard.until((lines) => lines.some((l) => l.includes('"id":100,')));
  await flooder.heard.until(/^receipt .*"ok":false/); // the refusal, after the hundred speaks
  vi.advanceTimersByTime(1000);
  await log.until(/^last second: \d+ events passed on, 1 dropped, 2 clients$/);
  expect(log.lines).toContain("over 30 lines a second: one summary a second instead");
  expect(log.lines.filter((line) => line.startsWith("/home speak from")).length).toBeLessThan(30);
  expect(listener.heard.lines.filter((line) => line.startsWith("message ")).length).toBe(100);
});

test.concurrent(
  "the server's log says who comes, joins and goes, in which namespace, and how many are there",
  async (t) => {
    const { port, log } = await server(t);
    const home = await ioClient(t, port, "/home");
    t.expect(await home.heard.until(1)).toEqual([
      `welcome [{"id":"${home.socket.id}","clients":1}]`,
    ]);
    const student = await ioClient(t, port, "/school");
    t.expect(await ask(student.socket, "join", "codefellows")).toEqual({
      ok: true,
      joined: "codefellows",
    });
    const homeId = home.socket.id; // a socket forgets its id as it disconnects
    home.socket.disconnect();
    await log.until(/disconnected/);
    t.expect(log.lines).toEqual([
      `/home ${homeId} connected (1 in /home)`,
      `/school ${student.socket.id} connected (1 in /school)`,
      `/school ${student.socket.id} joined room codefellows (1 in codefellows)`,
      `/home ${homeId} disconnected: client namespace disconnect (0 in /home)`,
    ]);
  },
);

test.concurrent(
  "the Admin UI's pages: its own files, the fonts it would fetch from CDNs, and what it says of itself",
  async (t) => {
    const open = await server(t);
    t.expect(open.admin).toBe("/admin/ (read-only, this machine only)");
    const guarded = await server(t, 0, { adminPassword: "open sesame" });
    t.expect(guarded.admin).toBe("/admin/ (log in as admin)");
    const quiet = await server(t, 0, { adminUi: "off" });
    t.expect(quiet.admin).toBeUndefined();
    t.expect(await get(quiet.port, "/admin/")).toEqual({
      status: 404,
      text: "This is a Socket.IO lesson server: connect a Socket.IO client.\n",
    });

    const moved = await fetch(`http://localhost:${open.port}/admin`, { redirect: "manual" });
    t.expect([moved.status, moved.headers.get("location")]).toEqual([301, "/admin/"]);
    await moved.text();
    const page = await get(open.port, "/admin/");
    t.expect(page.text).toMatch(/^<!DOCTYPE html><html lang="en"><head><script>\n/);
    t.expect(page.text).toContain('localStorage.setItem("server_url", location.origin);\n');
    t.expect(page.text).toContain('localStorage.setItem("readonly", "true");\n'); // no password here
    t.expect(page.text).toMatch(/<\/style><meta /); // the UI's own head follows what we put first
    t.expect(page.text).toMatch(/<\/title><link href="css\//); // the CDN links gone, and nothing for them
    t.expect(page.text).not.toContain("https://");
    const weights = [100, 300, 400, 500, 700, 900].map((w) => `vendor/roboto/${w}.css`);
    const links = ["vendor/mdi/css/materialdesignicons.min.css", ...weights]
      .map((href) => `<link rel="stylesheet" href="${href}">`)
      .join("");
    t.expect(page.text).toContain(`${links}</head><body>`);
    const css = await fetch(
      `http://localhost:${open.port}/admin/vendor/mdi/css/materialdesignicons.min.css`,
    );
    t.expect([css.status, css.headers.get("content-type")]).toEqual([200, "text/css"]);
    await css.text();
    const font = await fetch(
      `http://localhost:${open.port}/admin/vendor/roboto/files/roboto-latin-400-normal.woff2`,
    );
    t.expect([font.status, font.headers.get("content-type")]).toEqual([200, "font/woff2"]);
    const fonts = dirname(
      createRequire(import.meta.url).resolve("@fontsource/roboto/package.json"),
    );
    t.expect(Buffer.from(await font.arrayBuffer())).toEqual(
      await readFile(join(fonts, "files/roboto-latin-400-normal.woff2")),
    );
    const map = await fetch(
      `http://localhost:${open.port}/admin/vendor/mdi/css/materialdesignicons.min.css.map`,
    );
    t.expect(map.headers.get("content-type")).toBe("application/octet-stream"); // a type it does not know
    await map.text();
    t.expect((await get(open.port, "/admin/no-such-file.js")).status).toBe(404);
    t.expect((await get(open.port, "/admin/vendor/roboto/../../../package.json")).status).toBe(404);
    t.expect(await get(open.port, "/nowhere")).toEqual({
      status: 404,
      text: "This is a Socket.IO lesson server: connect a Socket.IO client, or open /admin/.\n",
    });
  },
);

test.concurrent(
  "six terminals: every logger's output matches the matrix",
  { tags: ["processes"] },
  async (t) => {
    const server = runScript(t, "socketio-namespaces/server.ts", { PORT: "0" });
    const port =
      /listening on port (\d+)/.exec(
        (await server.out.until(/listening on port \d+/)).join("\n"),
      )?.[1] ?? "";
    const runs = Object.fromEntries(
      ["logger", "home-logger", "school-logger", "codefellows-logger"].map((name) => [
        name,
        runScript(t, `socketio-namespaces/${name}.ts`, { PORT: port }),
      ]),
    );
    await runs["codefellows-logger"].out.until(/joined room codefellows/);
    const app = runScript(t, "socketio-namespaces/app.ts", { PORT: port, ...FAST });
    await app.out.until(/ \/school receipt for lesson/, 10_000);
    await runs["codefellows-logger"].out.until(/ \/school lesson /);
    const printed = (name: string) => events(runs[name].out.lines.map(withoutTime));
    await runs["logger"].out.until(/ \/ message /);
    await runs["home-logger"].out.until(/ \/home message /);
    await runs["school-logger"].out.until(/ \/school message /);
    await runs["codefellows-logger"].out.until(/ \/school message /);
    t.expect(printed("logger").every((l) => l.startsWith("/ message "))).toBe(true);
    t.expect(printed("home-logger").every((l) => l.startsWith("/home message "))).toBe(true);
    t.expect(printed("school-logger").every((l) => l.startsWith("/school message "))).toBe(true);
    t.expect(new Set(printed("codefellows-logger").map((l) => l.split(" ", 2).join(" ")))).toEqual(
      new Set(["/school message", "/school lesson"]),
    );
    expectReadmeOutput("namespaces", {
      server: server.out.lines,
      app: app.out.lines,
      logger: runs["logger"].out.lines,
      home: runs["home-logger"].out.lines,
      school: runs["school-logger"].out.lines,
      codefellows: runs["codefellows-logger"].out.lines,
    });
    for (const run of [app, ...Object.values(runs), server]) t.expect(await run.stop()).toBe(0);
  },
);

test("a logger that finds another lesson's server after an outage says so once, and stops trying when closed", async (t) => {
  const first = await startServer({ port: 0, print: () => {} });
  // Timers run in real time, but are counted: a closed logger must leave none behind
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"], shouldAdvanceTime: true });
  t.onTestFinished(() => void vi.useRealTimers());
  const heard = recorder("home logger");
  const logger = startHomeLogger({ port: first.port, print: heard.line });
  t.onTestFinished(logger.close);
  await heard.until(/^connected to /);
  await first.close(); // saved, say; then the other lesson's server takes the port
  await heard.until(/^lost the server at /);
  const other = await startOtherLessonServer({ port: first.port, print: () => {} });
  t.onTestFinished(other.close);
  const refusals = recorder("refusals");
  logger.socket.on("connect_error", (error) => refusals.line(error.message));
  const refused = (n: number) => (lines: string[]) =>
    lines.filter((line) => line === "Invalid namespace").length >= n;
  for (const n of [1, 2]) {
    await refusals.until(refused(n));
    await vi.advanceTimersByTimeAsync(1000); // the next try is due: no need to wait for it
  }
  await refusals.until(refused(3));
  const lost = heard.lines.findIndex((line) => line.startsWith("lost the server"));
  expect(heard.lines.slice(lost + 1)).toEqual([
    `http://localhost:${first.port}/home has no such namespace: is it this lesson's server? ` +
      `Start it with npm run namespaces:server -- --port ${first.port} (retrying)`,
  ]);
  logger.close(); // right after a refusal: a retry, if left behind, would be due in about 1 s
  await expect.poll(() => vi.getTimerCount(), { timeout: 800 }).toBe(0);
});

// An Admin UI client; sentinel() speaks into /home over the same connection, so its receipt proves
// the server has handled everything the admin socket sent before it.
async function adminClient(
  t: Context,
  port: number,
  auth?: { username: string; password: string },
) {
  const manager = new Manager(`http://localhost:${port}`, { reconnection: false });
  const socket = manager.socket("/admin", { auth });
  t.onTestFinished(() => void socket.disconnect());
  const config = waitFor(socket as never, "config").then(
    ([c]) => c as { supportedFeatures: string[] },
  );
  const allSockets = waitFor(socket as never, "all_sockets").then(([all]) => all as unknown[]);
  for (const promise of [config, allSockets]) promise.catch(() => {}); // a refused client gets none
  const [outcome] = await Promise.race([
    waitFor(socket as never, "connect"),
    waitFor(socket as never, "connect_error"),
  ]);
  const sentinel = async () => {
    const home = manager.socket("/home");
    t.onTestFinished(() => void home.disconnect());
    return home.timeout(3000).emitWithAck("speak", "sentinel");
  };
  return {
    socket,
    config,
    allSockets,
    sentinel,
    refused: outcome instanceof Error ? outcome.message : undefined,
  };
}

test.concurrent(
  "the Admin UI is read-only by default: a request to disconnect the class is ignored",
  async (t) => {
    const { port, io } = await server(t);
    const logs = await loggers(t, port);
    const admin = await adminClient(t, port);
    t.expect(admin.refused).toBeUndefined();
    t.expect((await admin.config).supportedFeatures).not.toContain("DISCONNECT");
    admin.socket.emit("_disconnect", "/school", false);
    admin.socket.emit("join", "/school", "hacked");
    t.expect(await admin.sentinel()).toEqual({ ok: true, heardBy: 2 }); // the home logger and itself
    t.expect(io.of("/school").sockets.size).toBe(2); // the school and codefellows loggers, still there
    t.expect(io.of("/school").adapter.rooms.get("hacked")).toBeUndefined();
    t.expect(events(logs.school.heard.lines)).toEqual([]); // the admin namespace never reaches a lesson logger
  },
);

test.concurrent(
  "ADMIN_PASSWORD asks for a login and allows changes; ADMIN_UI=off turns the UI off",
  async (t) => {
    const { port, io } = await server(t, 0, { adminPassword: "open sesame" });
    const logs = await loggers(t, port);
    t.expect((await adminClient(t, port)).refused).toBe("invalid credentials");
    const admin = await adminClient(t, port, { username: "admin", password: "open sesame" });
    t.expect((await admin.config).supportedFeatures).toContain("DISCONNECT");
    admin.socket.emit("join", "/school", "promoted", logs.school.socket.id);
    t.expect(await admin.sentinel()).toEqual({ ok: true, heardBy: 2 });
    t.expect([...(io.of("/school").adapter.rooms.get("promoted") ?? [])]).toEqual([
      logs.school.socket.id,
    ]);

    const quiet = await server(t, 0, { adminUi: "off" });
    t.expect((await adminClient(t, quiet.port)).refused).toBe("Invalid namespace");
    t.expect((await fetch(`http://localhost:${quiet.port}/admin/`)).status).toBe(404);
  },
);

test.concurrent(
  "a page on another site whose name points here (DNS rebinding) is refused, with or without Origin",
  async (t) => {
    const { port } = await server(t);
    const rebound = { host: `evil.example:${port}` };
    const withOrigin = { ...rebound, origin: `http://evil.example:${port}` };
    for (const headers of [rebound, withOrigin]) {
      t.expect(await handshake(port, headers)).toEqual({ status: 403 });
      t.expect(await handshake(port, headers, "websocket")).toEqual({ status: 400 });
      for (const path of ["/", "/admin/"]) {
        const page = await get(port, path, headers);
        t.expect(page).toEqual({
          status: 403,
          text: "This lesson server answers to this machine's own names only.\n",
        });
      }
    }
    const own = Object.values(networkInterfaces()).flatMap((all) => all ?? [])[0]?.address ?? "::1";
    const host = own.includes(":") ? `[${own}]` : own;
    for (const name of ["localhost", "127.0.0.1", "[::1]", hostname(), host]) {
      const headers = { host: `${name}:${port}` }; // the request itself still goes to 127.0.0.1
      t.expect((await handshake(port, headers)).status, name).toBe(200);
      t.expect((await handshake(port, headers, "websocket")).status, name).toBe(101);
      t.expect((await get(port, "/admin/", headers)).status, name).toBe(200);
    }
  },
);

test.concurrent("no cookie or credentials reach the Admin UI's subscribers", async (t) => {
  const { port } = await server(t);
  const secrets = { cookie: "session=secret", authorization: "Basic c2VjcmV0" };
  const student = io(`http://localhost:${port}/home`, {
    forceNew: true,
    reconnection: false,
    transports: ["websocket"],
    extraHeaders: secrets,
  });
  t.onTestFinished(() => void student.disconnect());
  await waitFor(student as never, "connect");
  const admin = await adminClient(t, port);
  const shown = JSON.stringify(await admin.allSockets);
  t.expect(shown).toContain(student.id);
  t.expect(shown).not.toMatch(/session=secret|c2VjcmV0|"cookie"|"authorization"/);
});

test.concurrent(
  "the Admin UI is served from the lesson server itself, and nothing outside its folder is",
  async (t) => {
    const { port } = await server(t);
    const page = await fetch(`http://localhost:${port}/admin/`);
    t.expect(page.headers.get("content-type")).toBe("text/html");
    const html = await page.text();
    t.expect(html).toContain("<title>Socket.IO Admin UI</title>");
    const script = /src="(js\/app\.[^"]+\.js)"/.exec(html)?.[1];
    const asset = await fetch(`http://localhost:${port}/admin/${script}`);
    t.expect([asset.status, asset.headers.get("content-type")]).toEqual([200, "text/javascript"]);
    await asset.arrayBuffer();
    const { request } = await import("node:http");
    const traversal = await new Promise<number | undefined>((resolve) =>
      // ui/dist/../../package.json is the Admin UI package's own package.json: it exists
      request({ port, path: "/admin/../../package.json" }, (response) =>
        resolve(response.resume().statusCode),
      ).end(),
    );
    t.expect(traversal).toBe(404);
  },
);

test("the busy store with a room for each kind: each listening app receives its own kind, and only that", async (t) => {
  const { port, io } = await server(t);
  const apps = await listeners(t, port, startListener, /^joined room /);
  const refunds = apps.filter((app) => app.cares === "refund").map((app) => app.socket.id);
  t.expect(io.of("/store").adapter.rooms.get("refund")).toEqual(new Set(refunds)); // in any order
  const sent = await pump(t, port, startBusyApp);
  await expectEachHandlesItsKind(apps, sent, false); // received: its own kind, all it handles
});

test("a listening app counts what reached it once a second, not the welcome, and handles its kind", (t) =>
  expectCountsAlone(t, startListener, "/store"));

test("the busy app drops what it cannot send, ids counting on, and prints a refusal", (t) =>
  expectDropsAndRefusals(t, startBusyApp, "/store"));

test.concurrent(
  "/store joins a room of a kind and no other; it takes the kinds, /school does not",
  async (t) => {
    const { port, log } = await server(t);
    const store = await ioClient(t, port, "/store");
    const student = await ioClient(t, port, "/school");
    const kinds = "order, payment, shipment, refund, review";
    for (const room of ["codefellows", "orders", store.socket.id]) {
      t.expect(await ask(store.socket, "join", room)).toEqual({
        ok: false,
        error: `join takes a room of this lesson (${kinds}), not ${JSON.stringify(room)}`,
      });
    }
    t.expect(await ask(student.socket, "join", "order")).toEqual({
      ok: false,
      error: 'join takes a room of this lesson (codefellows), not "order"',
    });
    t.expect(await ask(student.socket, "order", { id: 1, change: "created" })).toEqual({
      ok: false,
      error: '/school has no "order" event; it takes speak, join, lesson',
    });
    t.expect(await ask(store.socket, "lesson", "not here")).toEqual({
      ok: false,
      error: `/store has no "lesson" event; it takes speak, join, ${kinds}`,
    });
    t.expect(await ask(store.socket, "review", null)).toEqual({
      ok: false,
      error: 'review takes text or a record like {"id":1,"change":"created"}, not null',
    });
    t.expect(await ask(store.socket, "review", "no one cares yet")).toEqual({
      ok: true,
      heardBy: 0,
    });
    t.expect(await ask(store.socket, "join", "review")).toEqual({ ok: true, joined: "review" });
    t.expect(await ask(store.socket, "review", "now one does")).toEqual({ ok: true, heardBy: 1 });
    await store.heard.until(/now one does/);
    t.expect(store.heard.lines.filter((line) => line.startsWith("review "))).toEqual([
      `review [{"from":"${store.socket.id}","speech":"now one does"}]`,
    ]);
    t.expect(log.lines).toContain(`/store ${store.socket.id} joined room review (1 in review)`);
    t.expect(log.lines.filter((line) => / refused: /.test(line))).toHaveLength(7);
  },
);

test.concurrent("the busy store's page is served at /busy.html, its script beside it", async (t) =>
  expectBusyPage(t, (await server(t)).port, "socketio-namespaces"),
);
