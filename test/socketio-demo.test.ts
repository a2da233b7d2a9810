import { type EventEmitter, once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo, Socket as NetSocket } from "node:net";
import { Server } from "socket.io";
import { io } from "socket.io-client";
import { appendFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, test, vi } from "vitest";
import { startApp } from "../socketio-demo/app.ts";
import { startApp as startBusyApp } from "../socketio-demo/busy-app.ts";
import { startListener } from "../socketio-demo/busy-listener.ts";
import { startLogger } from "../socketio-demo/logger.ts";
import { startServer } from "../socketio-demo/server.ts";
import { explainListenError } from "../classroom/terminal.ts";
import { KINDS } from "../socketio-demo/events.ts";
import { LINES_PER_SECOND } from "../classroom/commentary.ts";
import { MOST_NESTED } from "../classroom/shallow.ts";
import type { Options } from "../classroom/settings.ts";
import {
  expectReadmeOutput,
  FAST,
  ask,
  handshake,
  ioClient,
  recorder,
  runScript,
  runScriptCommand,
  scratchCopy,
  stillRunning,
  upTo,
  waitFor,
  withoutTime,
  freePort,
  type Context,
} from "./helpers.ts";
import {
  expectBusyPage,
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

async function logger(t: Context, port: number) {
  const heard = recorder("logger");
  const started = startLogger({ port, print: heard.line });
  t.onTestFinished(started.close);
  const events = recorder("logger's socket");
  started.socket.onAny((event, ...args) => events.line(`${event} ${JSON.stringify(args)}`));
  await waitFor(started.socket as unknown as EventEmitter, "connect");
  return { ...started, heard, events };
}

function app(t: Context, port: number, every = 20) {
  const said = recorder("app");
  const started = startApp({ port, every, print: said.line });
  t.onTestFinished(started.close);
  return { ...started, said };
}

const spoken = (lines: string[]) =>
  lines.filter((l) => l.startsWith("speak ")).map((l) => JSON.parse(l.slice(6)));
const idsIn = (lines: string[]) =>
  lines
    .map((l) => /"id":(\d+)/.exec(l)?.[1])
    .filter(Boolean)
    .map(Number);

test.concurrent(
  "the logger hears every speak as a message, in order, with its exact payload; directed events stay directed",
  async (t) => {
    const { port } = await server(t);
    const { events } = await logger(t, port);
    const bystander = await ioClient(t, port);
    const { socket, said } = app(t, port);
    await said.until(/^welcome, just for me: I am \S+, 3 connected$/);
    await said.until((lines) => lines.filter((l) => l.startsWith("receipt")).length >= 4);
    socket.emit("speak", "sentinel"); // on the app's own connection, so every earlier speak is handled first
    const notes = [...spoken(said.lines), "sentinel"]; // taken now: a speak after the sentinel is not due
    await events.until(/"sentinel"/);
    t.expect(upTo(events.lines, /"sentinel"/)).toEqual([
      t.expect.stringMatching(/^welcome \[\{"id":"[^"]+","clients":1\}\]$/), // its own, not the app's
      ...notes.map((speech) => `message ${JSON.stringify([{ from: socket.id, speech }])}`),
    ]);
    await bystander.heard.until(/"sentinel"/);
    t.expect(
      upTo(bystander.heard.lines, /"sentinel"/).filter((l) => !l.startsWith("message ")),
    ).toEqual([
      `welcome [{"id":"${bystander.socket.id}","clients":2}]`, // its own, never the app's
    ]);
    t.expect(said.lines.find((l) => l.startsWith("receipt"))).toMatch(
      /^receipt, just for me: #\d+ heard by 3$/,
    );
    const firstSpoken = said.lines.find((l) => l.startsWith("speak "))?.slice(6);
    t.expect(said.lines).toContain(`heard message from ${socket.id}: ${firstSpoken}`); // its own too
    t.expect(said.lines.find((l) => l.startsWith("connected"))).toBe(
      `connected to http://localhost:${port} as ${socket.id}`,
    );
  },
);

test.concurrent(
  "the app says when there is no server, prints a refusal as the server words it; a closed logger leaves the server",
  async (t) => {
    const nothing = await freePort();
    const alone = app(t, nothing);
    await alone.said.until((lines) =>
      lines.includes(
        `no server at http://localhost:${nothing}: start it with npm run socketio:server -- --port ${nothing} (retrying)`,
      ),
    );
    alone.close();
    t.expect(alone.socket.active).toBe(false); // it gives up retrying

    const http = createServer().listen(0);
    const refusing = new Server(http);
    t.onTestFinished(() => refusing.close());
    refusing.on("connection", (socket) =>
      socket.on("speak", (_note, reply) => reply({ ok: false, error: "not today" })),
    );
    await once(http, "listening");
    const { said } = app(t, (http.address() as AddressInfo).port);
    await said.until(/^refused: not today$/);

    const { port, io } = await server(t);
    const { socket, heard, close } = await logger(t, port);
    t.expect(heard.lines[0]).toBe(`connected to http://localhost:${port} as ${socket.id}`);
    const [serverSide] = io.of("/").sockets.values();
    const left = waitFor(serverSide as unknown as EventEmitter, "disconnect");
    close();
    t.expect((await left)[0]).toBe("client namespace disconnect");
    t.expect(heard.lines).toHaveLength(1); // it closed itself: nothing lost
  },
);

test.concurrent(
  "every client gets its own welcome, and a speak without a callback gets its receipt as an event",
  async (t) => {
    const { port } = await server(t);
    const first = await ioClient(t, port);
    const second = await ioClient(t, port);
    await first.heard.until(/^welcome/);
    await second.heard.until(/^welcome/);
    t.expect(first.heard.lines).toEqual([`welcome [{"id":"${first.socket.id}","clients":1}]`]);
    t.expect(second.heard.lines).toEqual([`welcome [{"id":"${second.socket.id}","clients":2}]`]);
    second.socket.emit("speak", "hello");
    await second.heard.until(/^receipt/);
    t.expect(second.heard.lines.slice(1)).toEqual([
      `message [{"from":"${second.socket.id}","speech":"hello"}]`,
      `receipt [{"ok":true,"heardBy":2}]`,
    ]);
    await first.heard.until(/hello/);
    t.expect(first.heard.lines.slice(1)).toEqual([
      `message [{"from":"${second.socket.id}","speech":"hello"}]`,
    ]);
  },
);

test.concurrent(
  "bad speak payloads get an error back, reach no one, and the next speak still works",
  async (t) => {
    const { port, log } = await server(t);
    const listener = await ioClient(t, port);
    const speaker = await ioClient(t, port);
    const speak = (...args: unknown[]) => ask(speaker.socket, "speak", ...args);
    const takes = 'speak takes text or a record like {"id":1,"change":"created"}, not';
    const at = `speak takes a record's at as a time in text, like "2026-01-01T09:00:00.000Z", not`;
    const bad: [unknown[], string][] = [
      [[], `${takes} nothing`],
      [[null], `${takes} null`],
      [[42], `${takes} 42`],
      [[[1, 2]], `${takes} [1,2]`],
      [[[{ id: 1, change: "created" }]], `${takes} [{"id":1,"change":"created"}]`],
      [[{ name: "chair" }], `${takes} {"name":"chair"}`],
      [[{ name: "x".repeat(50) }], `${takes} {"name":"${"x".repeat(31)}`], // 40 characters of it
      [[{ id: "1", change: "created" }], `${takes} {"id":"1","change":"created"}`],
      [[{ id: 1, change: "moved" }], `${takes} {"id":1,"change":"moved"}`],
      [[{ id: 1, change: "created", at: { toString: 1 } }], `${at} {"toString":1}`],
      [[{ id: 1, change: "created", at: 1767225600000 }], `${at} 1767225600000`], // Date.now()
      [[""], `${takes} ""`],
      [["   "], `${takes} "   "`],
      [["x".repeat(9_999)], "speak is too big: 10001 bytes, at most 10000"],
    ];
    for (const [args, error] of bad) t.expect(await speak(...args)).toEqual({ ok: false, error });
    speaker.socket.emit("speak", 7 as never); // no callback: the error comes back as a receipt event
    await speaker.heard.until(/^receipt \[\{"ok":false/);
    t.expect(speaker.heard.lines.at(-1)).toBe(
      `receipt ${JSON.stringify([{ ok: false, error: `${takes} 7` }])}`,
    );
    const longest = "x".repeat(9_998); // 10,000 bytes as JSON, quotes included: just allowed
    t.expect(await speak(longest)).toEqual({ ok: true, heardBy: 2 });
    t.expect(await speak("plain text, as the browser tool sends it")).toEqual({
      ok: true,
      heardBy: 2,
    });
    await listener.heard.until(/plain text/);
    t.expect(listener.heard.lines.slice(1)).toEqual([
      `message [{"from":"${speaker.socket.id}","speech":"${longest}"}]`,
      `message [{"from":"${speaker.socket.id}","speech":"plain text, as the browser tool sends it"}]`,
    ]);
    t.expect(log.lines.filter((l) => l.includes("speak refused"))).toHaveLength(bad.length + 1);
  },
);

test.concurrent(
  "data nested deeper than any lesson's drops its sender, who hears why; the others go on",
  async (t) => {
    const { port, log } = await server(t);
    const listener = await ioClient(t, port);
    const speaker = await ioClient(t, port);
    const id = speaker.socket.id;
    // brackets in text are text, escaped quote or not
    for (const text of ["[".repeat(100), '\\"' + "{".repeat(100)])
      t.expect(await ask(speaker.socket, "speak", text)).toEqual({ ok: true, heardBy: 2 });
    // raw packets, as a hand-made client may send them: 32 deep is refused as a speak is...
    const nested = (depth: number) => `2["speak",${"[".repeat(depth - 1)}${"]".repeat(depth - 1)}]`;
    speaker.socket.io.engine.send(nested(MOST_NESTED));
    await speaker.heard.until(/^receipt /);
    t.expect(speaker.heard.lines.at(-1)).toMatch(/"error":"speak takes text or a record like /);
    // ...and far deeper drops its sender: to copy or print it would overflow the stack
    speaker.socket.io.engine.send(nested(100_000));
    await speaker.heard.until(/dropped/);
    const dropped = `dropped: a packet nested over ${MOST_NESTED} deep`;
    t.expect(speaker.heard.lines.at(-1)).toBe(`receipt [{"ok":false,"error":"${dropped}"}]`);
    await log.until(new RegExp(`^${id} disconnected: `));
    t.expect(log.lines.filter((l) => l.includes(dropped))).toEqual([`${id} ${dropped}`]);
    const other = await ioClient(t, port);
    t.expect(await ask(other.socket, "speak", "still here")).toEqual({ ok: true, heardBy: 2 });
    await listener.heard.until(/still here/);
  },
);

test.concurrent("a server that cannot listen rejects with the reason why", async (t) => {
  const { port } = await server(t);
  await t.expect(startServer({ port, print: () => {} })).rejects.toMatchObject({
    code: "EADDRINUSE",
  });
});

test.concurrent(
  "the lesson page is served at /, its script beside it, the client library by Socket.IO",
  async (t) => {
    const { port } = await server(t);
    const here = `http://localhost:${port}`;
    const served = async (path: string) => {
      const response = await fetch(`${here}${path}`);
      return [response.status, response.headers.get("content-type"), await response.text()];
    };
    const [page, script, lines] = [
      "socketio-demo/page/index.html",
      "socketio-demo/page/page.js",
      "classroom/page-lines.js", // what both lessons' pages share
    ].map((name) => readFileSync(new URL(`../${name}`, import.meta.url), "utf8"));
    t.expect(await served("/")).toEqual([200, "text/html; charset=utf-8", page]);
    t.expect(await served("/page.js")).toEqual([200, "text/javascript; charset=utf-8", script]);
    t.expect(await served("/page-lines.js")).toEqual([
      200,
      "text/javascript; charset=utf-8",
      lines,
    ]);
    const [panes, style] = ["busy-panes.js", "busy-panes.css"].map((name) =>
      readFileSync(new URL(`../classroom/${name}`, import.meta.url), "utf8"),
    ); // and what both busy pages share
    t.expect(await served("/busy-panes.js")).toEqual([
      200,
      "text/javascript; charset=utf-8",
      panes,
    ]);
    t.expect(await served("/busy-panes.css")).toEqual([200, "text/css; charset=utf-8", style]);
    t.expect((await served("/page.css"))[0]).toBe(404); // this lesson's page has no style of its own
    t.expect(await served("/nowhere")).toEqual([
      404,
      "text/plain",
      "This is a Socket.IO lesson server: connect a Socket.IO client, or open /admin/.\n",
    ]);
    const [status, type] = await served("/socket.io/socket.io.esm.min.js");
    t.expect([status, type]).toEqual([200, "application/javascript; charset=utf-8"]);
  },
);

test.concurrent(
  "the icon a browser asks for by itself, /favicon.ico, is an empty answer, not a 404",
  async (t) => {
    const { port } = await server(t);
    const response = await fetch(`http://localhost:${port}/favicon.ico`);
    t.expect([response.status, await response.text()]).toEqual([204, ""]);
  },
);

test.concurrent(
  "after a server restart on the same port, the same logger and app hear messages again",
  async (t) => {
    const first = await server(t);
    const { heard, socket } = await logger(t, first.port);
    const { said } = app(t, first.port, 50);
    await heard.until(/^message from/);
    await first.close();
    await heard.until(
      /^lost the server at http:\/\/localhost:\d+ \(transport close\): reconnecting$/,
    );
    const failed = recorder("failed tries");
    socket.io.on("reconnect_error", () => failed.line("failed"));
    await failed.until(1); // a failed try, which the logger does not tell again
    await server(t, first.port);
    await heard.until(/^back: reconnected to/, 5000);
    await said.until(/^back: reconnected to/, 5000);
    const story = heard.lines.filter((l) => !l.startsWith("message from"));
    t.expect(story.map((l) => l.replace(/ as \S+$/, ""))).toEqual([
      `connected to http://localhost:${first.port}`,
      `lost the server at http://localhost:${first.port} (transport close): reconnecting`,
      `back: reconnected to http://localhost:${first.port}`, // and no "no server" in between
    ]);
    const [loggerAfter, appAfter] = [heard.lines.length, said.lines.length];
    await heard.until((lines) =>
      lines.slice(loggerAfter).some((l) => l.startsWith("message from")),
    );
    await said.until((lines) => lines.slice(appAfter).some((l) => l.startsWith("heard message")));
    await said.until((lines) => lines.slice(appAfter).some((l) => l.startsWith("receipt, just")));
  },
);

test.concurrent(
  "no burst: what the app could not send while the server was down never arrives later",
  async (t) => {
    const first = await server(t);
    const { heard } = await logger(t, first.port);
    const { said, socket } = app(t, first.port, 20);
    await said.until(/^receipt/);
    await first.close();
    const droppedWhileDown = (lines: string[]) =>
      lines
        .slice(lines.findIndex((l) => l.startsWith("lost the server")))
        .filter((l) => l.startsWith("dropped"));
    // 20 dropped since it lost the server: any it dropped before it first connected do not count
    await said.until(
      (lines) =>
        lines.some((l) => l.startsWith("lost the server")) && droppedWhileDown(lines).length >= 20,
    );
    const second = await server(t, first.port);
    await said.until(/^back: reconnected/, 5000);
    await heard.until(/^back: reconnected/, 5000);
    const lost = said.lines.findIndex((l) => l.startsWith("lost the server"));
    const back = said.lines.findIndex((l) => l.startsWith("back: reconnected"));
    const whileDown = idsIn(said.lines.slice(lost, back));
    t.expect(whileDown.length).toBeGreaterThanOrEqual(20);
    socket.emit("speak", "sentinel");
    await heard.until(/"sentinel"/);
    // Buffered emits would reach the new server as soon as the app reconnects, even before the logger is back.
    for (const id of whileDown) {
      t.expect(idsIn(second.log.lines)).not.toContain(id);
      t.expect(idsIn(heard.lines)).not.toContain(id);
    }
  },
);

test.concurrent(
  "CORS: the browser tool's origin and local pages are allowed, other origins are not",
  async (t) => {
    const { port } = await server(t);
    for (const origin of [
      "https://amritb.github.io",
      "http://localhost:5173",
      "http://127.0.0.1:8080",
    ]) {
      t.expect(await handshake(port, { origin })).toEqual({ status: 200, allowOrigin: origin });
      t.expect(await handshake(port, { origin }, "websocket")).toEqual({ status: 101 });
    }
    t.expect(await handshake(port, { origin: "https://example.com" })).toEqual({ status: 403 });
    // Browsers do not hold WebSockets to CORS: the server holds the upgrade to the same list (400)
    t.expect(await handshake(port, { origin: "https://example.com" }, "websocket")).toEqual({
      status: 400,
    });
  },
);

test.concurrent(
  "a page the server served itself may connect, whatever the list says",
  async (t) => {
    const { port } = await server(t, 0, { corsOrigins: "https://example.com" });
    const itself = { host: `localhost:${port}`, origin: `http://localhost:${port}` };
    t.expect((await handshake(port, itself)).status).toBe(200); // same origin: no CORS needed
    t.expect(await handshake(port, itself, "websocket")).toEqual({ status: 101 });
    const otherPort = { host: `localhost:${port}`, origin: `http://localhost:${port + 1}` };
    t.expect(await handshake(port, otherPort, "websocket")).toEqual({ status: 400 });
  },
);

test.concurrent("CORS_ORIGINS replaces the list, and * lets any page in", async (t) => {
  const only = await server(t, 0, { corsOrigins: "https://example.com, https://*.example.org" });
  for (const origin of ["https://example.com", "https://class.example.org"]) {
    t.expect(await handshake(only.port, { origin })).toEqual({ status: 200, allowOrigin: origin });
    t.expect(await handshake(only.port, { origin }, "websocket")).toEqual({ status: 101 });
  }
  for (const origin of [
    "https://amritb.github.io",
    "http://localhost:5173",
    "https://example.com.evil",
  ]) {
    t.expect(await handshake(only.port, { origin })).toEqual({ status: 403 });
    t.expect(await handshake(only.port, { origin }, "websocket")).toEqual({ status: 400 });
  }
  const any = await server(t, 0, { corsOrigins: "*" });
  const origin = "https://anywhere.example.net:8443";
  t.expect(await handshake(any.port, { origin })).toEqual({ status: 200, allowOrigin: origin });
  t.expect(await handshake(any.port, { origin }, "websocket")).toEqual({ status: 101 });
  // a page with no Origin is one of the server's own, or one that DNS rebinding passes off as it
  t.expect(await handshake(any.port, { host: "evil.example" })).toEqual({ status: 403 });
});

test.concurrent("a namespace that does not exist gets a clear error", async (t) => {
  const { port } = await server(t);
  const { io } = await import("socket.io-client");
  const socket = io(`http://localhost:${port}/school`, { forceNew: true, reconnection: false });
  t.onTestFinished(() => void socket.disconnect());
  const [error] = (await waitFor(socket as unknown as EventEmitter, "connect_error")) as [Error];
  t.expect(error.message).toBe("Invalid namespace");
});

test.concurrent(
  "three terminals: the logger prints each message the app speaks; escape codes show as text",
  { tags: ["processes"] },
  async (t) => {
    const server = runScript(t, "socketio-demo/server.ts", { PORT: "0" });
    const port =
      /listening on port (\d+)/.exec(
        (await server.out.until(/listening on port \d+/)).join("\n"),
      )?.[1] ?? "";
    const logger = runScript(t, "socketio-demo/logger.ts", { PORT: port });
    await logger.out.until(/connected to/);
    const app = runScript(t, "socketio-demo/app.ts", { PORT: port, ...FAST });
    await app.out.until(
      (lines) => lines.filter((l) => / receipt, just for me/.test(l)).length >= 3,
    );
    const sent = app.out.lines.map(withoutTime).flatMap((l) => /^speak (\{.*)$/.exec(l)?.[1] ?? []); // not dropped
    await logger.out.until((lines) => lines.some((l) => l.endsWith(sent[2])));
    const printed = logger.out.lines.map(withoutTime).filter((l) => l.startsWith("message from "));
    t.expect(printed.slice(0, 3).map((l) => l.slice(l.indexOf(": ") + 2))).toEqual(
      sent.slice(0, 3),
    );
    expectReadmeOutput("socketio", {
      server: server.out.lines,
      logger: logger.out.lines,
      app: app.out.lines,
    });
    // A browser tool's text with escape codes, which would clear the projected screen: the server's
    // log prints the text, the logger JSON, which leaves DEL and C1 codes raw; neither reaches a terminal
    const tool = await ioClient(t, Number(port));
    tool.socket.emit("speak", "\x1b[2J\x1b]0;pwned\x07 \x9b\x7f");
    const shown = String.raw`\x1b[2J\x1b]0;pwned\x07 \x9b\x7f`;
    await server.out.until((lines) => lines.some((line) => line.endsWith(`: ${shown}`)));
    const json = String.raw`"\u001b[2J\u001b]0;pwned\u0007 \x9b\x7f"`; // JSON's escapes, then ours
    await logger.out.until((lines) => lines.some((line) => line.endsWith(`: ${json}`)));
    for (const run of [server, logger, app])
      t.expect(run.out.lines.join("\n")).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    for (const run of [app, logger, server]) t.expect(await run.stop()).toBe(0);
  },
);

test("a logger with no server says so once while it retries from 0.1 s, backing off to 4 s, then connects", async (t) => {
  const port = await freePort(); // a free port, with nothing on it yet
  // The clock runs as usual, but the test can move it on, and read when each timer was due
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"], shouldAdvanceTime: true });
  t.onTestFinished(() => void vi.useRealTimers());
  const heard = recorder("logger");
  const started = startLogger({ port, print: heard.line });
  t.onTestFinished(started.close);
  started.socket.io.randomizationFactor(0); // Socket.IO spreads each delay by ±50%: here it is exact
  const story = recorder("failed tries and new ones, on the test's clock");
  started.socket.on("connect_error", () => story.line(`failed ${Date.now()}`));
  started.socket.io.on("reconnect_attempt", () => story.line(`trying ${Date.now()}`));
  const count = (what: string) => (lines: string[]) =>
    lines.filter((l) => l.startsWith(what)).length;
  for (let n = 1; n <= 7; n++) {
    await story.until((lines) => count("failed")(lines) >= n); // the next try is on the clock
    vi.advanceTimersByTime(5000); // no need to wait for the longer delays: move the clock on
    await story.until((lines) => count("trying")(lines) >= n);
  }
  const times = story.lines.map((line) => Number(line.split(" ")[1]));
  const delays = story.lines.flatMap((line, i) =>
    line.startsWith("trying") ? [times[i] - times[i - 1]] : [],
  );
  expect(delays.slice(0, 7)).toEqual([100, 200, 400, 800, 1600, 3200, 4000]);
  expect(heard.lines).toEqual([
    `no server at http://localhost:${port}: start it with npm run socketio:server -- --port ${port} (retrying)`,
  ]);
  await story.until((lines) => count("failed")(lines) >= 8);
  expect(vi.getTimerCount()).toBe(1); // Socket.IO's next try, and no other
  await server(t, port);
  vi.advanceTimersByTime(5000);
  await heard.until(/^connected to /);
  expect(heard.lines.slice(1).map((l) => l.replace(/ as \S+$/, ""))).toEqual([
    `connected to http://localhost:${port}`,
  ]);
});

test.concurrent(
  "npm run socketio:server with a bad value ends with one line, not waiting for a save; a busy port is one line",
  { tags: ["processes"] },
  async (t) => {
    const invalid = runScriptCommand(t, "socketio:server", ["--port", "70000"]);
    t.expect(await invalid.exitCode()).toBe(2);
    t.expect(invalid.out.lines).toEqual([
      '--port must be a whole number from 0 to 65535, not "70000"',
    ]);
    const { port } = await server(t); // a busy port: the server rejects, and the script says why
    await t.expect(startServer({ port, print: () => {} })).rejects.toMatchObject({
      code: "EADDRINUSE",
    });
    t.expect(
      explainListenError(
        Object.assign(new Error(), { code: "EADDRINUSE" }),
        { port },
        "socketio:server",
      ),
    ).toBe(
      `port ${port} is busy: is a Socket.IO lesson's server running (socketio:server, ` +
        `namespaces:server and delivery:server all use 3000)? Stop it (Ctrl-C), or pick another: npm run socketio:server -- --port ${port + 1}`,
    );
  },
);

test.concurrent(
  "a logger reaches the server through another address of it, as a student's laptop would",
  async (t) => {
    const address = "127.0.0.2"; // a server bound to 127.0.0.1 alone would refuse it, as it would a laptop
    const { port } = await server(t);
    const heard = recorder("logger");
    const started = startLogger({ port, host: address, print: heard.line });
    t.onTestFinished(started.close);
    await heard.until(/^connected to /);
    const speaker = await ioClient(t, port);
    speaker.socket.emit("speak", "over the network");
    await heard.until(/over the network/);
    t.expect(heard.lines.map((l) => l.replace(/(as|from) [\w-]+/, "$1 ID"))).toEqual([
      `connected to http://${address}:${port} as ID`,
      `message from ID: "over the network"`,
    ]);
  },
);

test.concurrent(
  "a logger given --host and --port where no server is names both: where it looked, and how to start one",
  async (t) => {
    const port = await freePort(); // nothing there
    const heard = recorder("logger");
    const started = startLogger({ port, host: "127.0.0.2", print: heard.line });
    t.onTestFinished(started.close);
    await heard.until(1);
    t.expect(heard.lines).toEqual([
      `no server at http://127.0.0.2:${port}: start it with npm run socketio:server -- --port ${port} (retrying)`,
    ]);
  },
);

test.concurrent(
  "live coding: saving the server, or a file it imports, restarts it; logger and app ride through",
  { tags: ["processes"] },
  async (t) => {
    const folder = await scratchCopy(t, "socketio-demo", "classroom"); // a copy to edit
    const port = await freePort(); // a free port
    const server = runScript(
      t,
      join(folder, "socketio-demo/server.ts"),
      { PORT: String(port) },
      { watch: "socketio:server" },
    );
    const listening = (count: number) =>
      server.out.until((lines) => lines.filter((l) => /listening on port/.test(l)).length >= count);
    await listening(1);
    const { heard } = await logger(t, port);
    const { said } = app(t, port, 100);
    await said.until(/^receipt/);
    const backs = (count: number) => (lines: string[]) =>
      lines.filter((l) => l.startsWith("back: reconnected")).length >= count;

    await appendFile(join(folder, "socketio-demo/server.ts"), "\n// an edit\n");
    await listening(2);
    await Promise.all([heard.until(backs(1)), said.until(backs(1))]);
    await appendFile(
      join(folder, "classroom/commentary.ts"),
      "\n// an edit where the lesson does not look\n",
    );
    await listening(3);
    await Promise.all([heard.until(backs(2)), said.until(backs(2))]);
    const after = heard.lines.length;
    await heard.until((lines) => lines.slice(after).some((l) => l.startsWith("message from")));
    t.expect(await server.stop()).toBe(0);
  },
);

test.concurrent(
  "a speak over Socket.IO's 1 MB limit drops only its sender; the others keep receiving",
  async (t) => {
    const { port, log } = await server(t);
    const listener = await ioClient(t, port);
    const heavy = await ioClient(t, port);
    const speaker = await ioClient(t, port);
    const gone = waitFor(heavy.socket as unknown as EventEmitter, "disconnect");
    heavy.socket.emit("speak", "x".repeat(1_500_000));
    t.expect((await gone)[0]).toBe("transport close"); // the server closed it, without a word
    t.expect(await ask(speaker.socket, "speak", "still here")).toEqual({ ok: true, heardBy: 2 });
    await listener.heard.until(/still here/);
    t.expect(log.lines.filter((l) => l.startsWith("speak from"))).toHaveLength(1);
  },
);

test.concurrent(
  "a client that stops reading is dropped before 1 MiB waits for it; the others keep hearing",
  async (t) => {
    const { port, log, io: lesson } = await server(t);
    const listener = await ioClient(t, port);
    const stuck = io(`http://localhost:${port}`, {
      forceNew: true,
      reconnection: false,
      transports: ["websocket"],
    });
    t.onTestFinished(() => void stuck.disconnect());
    await waitFor(stuck as unknown as EventEmitter, "connect");
    const { ws } = stuck.io.engine.transport as unknown as { ws: { _socket: NetSocket } };
    ws._socket.pause(); // a laptop whose lid shut, or a student's client that never reads
    t.onTestFinished(() => void ws._socket.destroy()); // it would wait for a goodbye it never reads
    const speaker = await ioClient(t, port);
    const speech = "x".repeat(9000);
    const messages = (lines: string[]) =>
      lines.filter((line) => line.startsWith("message ")).length;
    for (let batch = 1; batch <= 20; batch++) {
      // 9 MB to each client, 450 kB at a time: a client that reads is never 1 MiB behind, however
      // busy the machine, while the one that stopped reading falls further behind with each batch
      await Promise.all(Array.from({ length: 50 }, () => ask(speaker.socket, "speak", speech)));
      await listener.heard.until((lines) => messages(lines) >= batch * 50);
    }
    await log.until(/^a client at \S+ dropped: it stopped reading \(over 1 MiB unsent\)$/);
    await t.expect.poll(() => lesson.sockets.sockets.size).toBe(2); // the listener and the speaker
    speaker.socket.emit("speak", "sentinel");
    await listener.heard.until(/"sentinel"/);
    t.expect(messages(listener.heard.lines)).toBe(1001);
    t.expect(log.lines.filter((line) => line.includes(" dropped: "))).toHaveLength(1); // it alone
  },
);

test.concurrent(
  "a malformed packet closes only its own connection; the others keep receiving",
  async (t) => {
    const { port, log } = await server(t);
    const listener = await ioClient(t, port);
    const base = `http://localhost:${port}/socket.io/?EIO=4&transport=polling`;
    const open = await (await fetch(base)).text(); // 0{"sid":...}: an Engine.IO session, by hand
    const sid = JSON.parse(open.slice(1)).sid as string;
    const post = (body: string) => fetch(`${base}&sid=${sid}`, { method: "POST", body });
    t.expect((await post("40")).status).toBe(200); // connect to the main namespace
    await log.until(/connected \(2 in the pool\)/);
    t.expect(await (await fetch(`${base}&sid=${sid}`)).text()).toMatch(/^40.*42\["welcome"/); // polled
    await (await post('42["speak",{"id":')).text(); // half a packet: Socket.IO cannot parse it
    // why, then a close packet (1), in one poll or two, with no-ops (6) between
    const poll = async () => (await (await fetch(`${base}&sid=${sid}`)).text()).split("\x1e");
    const first = await poll();
    const said = first.at(-1) === "1" ? first : [...first, ...(await poll())];
    const why = "dropped: invalid payload";
    t.expect(said.filter((packet) => packet !== "6")).toEqual([
      `42["receipt",{"ok":false,"error":"${why}"}]`,
      "1",
    ]);
    await log.until(/disconnected: .* \(1 in the pool\)/);
    t.expect(log.lines.filter((line) => line.endsWith(why))).toHaveLength(1);
    t.expect((await fetch(`${base}&sid=${sid}`)).status).toBe(400); // that session is gone
    t.expect(await ask(listener.socket, "speak", "still here")).toEqual({ ok: true, heardBy: 1 });
  },
);

test("a class flooding the server gets one summary a second in its log, and every message still goes out", async (t) => {
  vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] }); // the summary's tick: ours to move
  t.onTestFinished(() => void vi.useRealTimers());
  const { port, log } = await server(t);
  const listener = await ioClient(t, port);
  const flooder = await ioClient(t, port);
  for (let id = 1; id <= 100; id++) flooder.socket.emit("speak", { id, change: "created" });
  flooder.socket.emit("speak", null as never);
  await listener.heard.until((lines) => lines.some((l) => l.includes('"id":100,')));
  await flooder.heard.until(/^receipt .*"ok":false/); // the refusal, after the hundred speaks
  vi.advanceTimersByTime(1000);
  await log.until(/^last second: \d+ events passed on, 1 dropped, 2 clients$/);
  expect(log.lines.filter((line) => line.startsWith("speak from")).length).toBeLessThan(
    LINES_PER_SECOND,
  );
  expect(listener.heard.lines.filter((line) => line.startsWith("message ")).length).toBe(100);
});

test("the busy store: each listening app handles exactly its kind, and every event reaches every app", async (t) => {
  const { port } = await server(t);
  const apps = await listeners(t, port, startListener, /^connected to /);
  const sent = await pump(t, port, startBusyApp);
  await expectEachHandlesItsKind(apps, sent, true); // received: all of them, cared about or not
});

test("the busy app drops what it cannot send, ids counting on, and prints a refusal", (t) =>
  expectDropsAndRefusals(t, startBusyApp));

test("a listening app counts once a second what reached it and what it handled", async (t) => {
  vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] }); // the count's tick: ours to move
  t.onTestFinished(() => void vi.useRealTimers());
  const { port, log } = await server(t);
  const heard = recorder("refund app");
  const refunds = startListener({ port, cares: "refund", print: heard.line });
  t.onTestFinished(refunds.close);
  await heard.until(/^connected to /);
  const store = await ioClient(t, port);
  const counts = () => heard.lines.filter((line) => line.startsWith("received "));
  for (const kind of ["order", "refund", "review", "refund", "speak"] as const)
    store.socket.emit(kind, { id: 1, change: "created" });
  store.socket.emit("refund", "sentinel");
  await heard.until(/"sentinel"$/);
  vi.advanceTimersByTime(999);
  expect(counts()).toEqual([]);
  vi.advanceTimersByTime(1);
  expect(counts()).toEqual(["received 6, handled 3"]); // the speak went out as a message: counted
  const error = 'payment takes text or a record like {"id":1,"change":"created"}, not {"id":2}';
  expect(await ask(store.socket, "payment", { id: 2 })).toEqual({ ok: false, error });
  expect(log.lines.filter((line) => line.includes(" refused: "))).toEqual([
    `${store.socket.id} payment refused: ${error}`,
  ]);
  store.socket.emit("refund", "sentinel 2");
  await heard.until(/"sentinel 2"$/);
  vi.advanceTimersByTime(1000);
  expect(counts()).toEqual(["received 6, handled 3", "received 7, handled 4"]); // refused: not sent
  expect(heard.lines.filter((line) => line.startsWith("handled "))).toEqual([
    `handled refund from ${store.socket.id}: {"id":1,"change":"created"}`,
    `handled refund from ${store.socket.id}: {"id":1,"change":"created"}`,
    `handled refund from ${store.socket.id}: "sentinel"`,
    `handled refund from ${store.socket.id}: "sentinel 2"`,
  ]);
});

test.concurrent(
  "one terminal: npm run socketio:busy labels the server, the busy app and ten listening apps; Ctrl-C stops them all",
  { tags: ["processes"] },
  async (t) => {
    const port = await freePort(); // --port reaches every script
    const options = { ownGroup: true, env: FAST };
    const lesson = runScriptCommand(t, "socketio:busy", ["--port", String(port)], options);
    const of = (label: string) => (lines: string[]) =>
      lines.flatMap((l) =>
        l.startsWith(`[${label}] `) ? [withoutTime(l.slice(label.length + 3))] : [],
      );
    const counts = (line: string) =>
      /^received (\d+), handled (\d+)$/.exec(line)?.slice(1).map(Number);
    // a count after a handled event: received more than it handled, since every event reaches it
    const dropsSome = (label: string) => (lines: string[]) =>
      of(label)(lines).some((line) => {
        const [received = 0, handled = 0] = counts(line) ?? [];
        return handled > 0 && received > handled;
      });
    const labels = KINDS.flatMap((kind) => [`${kind}-1`, `${kind}-2`]);
    await lesson.out.until((lines) => labels.every((label) => dropsSome(label)(lines)), 30_000);
    for (const label of labels) {
      const handled = of(label)(lesson.out.lines).filter((line) => line.startsWith("handled "));
      const kind = label.replace(/-\d$/, "");
      t.expect(
        handled.filter((line) => !line.startsWith(`handled ${kind} from `)),
        label,
      ).toEqual([]);
    }
    t.expect(of("busy-app")(lesson.out.lines)).toContainEqual(
      t.expect.stringMatching(/^order \{"id":/),
    );
    t.expect(lesson.out.lines[0]).toMatch(/^\[server\] .* listening on port /); // the apps after it:
    t.expect(lesson.out.lines.filter((line) => / no server /.test(line))).toEqual([]);
    await lesson.stop(); // Ctrl-C: SIGINT to every process of the terminal's group
    await t.expect.poll(() => stillRunning(lesson.child.pid)).toEqual([]);
  },
);

test.concurrent("the busy store's page is served at /busy.html, its script beside it", async (t) =>
  expectBusyPage(t, (await server(t)).port, "socketio-demo"),
);
