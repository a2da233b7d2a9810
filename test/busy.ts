// The busy store's apps as the tests drive them, in either pass: ten listening apps, two for each
// kind, and the busy app pumping until every kind has gone out twice, then a sentinel of each kind.
import { once } from "node:events";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { Server, type Socket } from "socket.io";
import { expect, vi, type TestContext } from "vitest";
import type { Options } from "../classroom/settings.ts";
import { KINDS, type Kind } from "../socketio-demo/events.ts";
import { freePort, recorder, type Context } from "./helpers.ts";

type Started = {
  socket: { id?: string; emit(kind: Kind, speech: string): unknown };
  close(): void;
};
type Start = (options: Options & { every?: number }) => Started;

// Resolves once every listening app is ready: connected, and in the second pass in its room.
export async function listeners(t: Context, port: number, start: Start, ready: RegExp) {
  const started = KINDS.flatMap((cares) =>
    [1, 2].map((n) => {
      const name = `${cares}-${n}`;
      const heard = recorder(name);
      const listener = start({ port, cares, every: 20, print: heard.line }); // a count each 20 ms
      t.onTestFinished(listener.close);
      return { ...listener, cares, name, heard };
    }),
  );
  await Promise.all(started.map(({ heard }) => heard.until(ready)));
  return started;
}

// What the busy app sent, as [kind, JSON] in order: its events, then a sentinel of each kind, last
// on its connection, so that whatever it sent has reached every listening app before its sentinel.
// The test drives its pace, tick by tick: after the sentinels it sends nothing more, and stays
// connected, since Socket.IO drops what a client sent just before it disconnects.
export async function pump(t: Context, port: number, start: Start) {
  vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] }); // the busy app's, alone
  t.onTestFinished(() => void vi.useRealTimers()); // before the listening apps close theirs
  const said = recorder("busy app");
  const app = start({ port, every: 10, print: said.line });
  t.onTestFinished(app.close);
  await said.until(/^connected to /);
  const sent = () =>
    said.lines.flatMap((line) => {
      const [, kind, json] = /^(\w+) (\{.*\})$/.exec(line) ?? [];
      return kind ? [[kind, json]] : [];
    });
  while (!KINDS.every((kind) => sent().filter(([k]) => k === kind).length >= 2))
    vi.advanceTimersByTime(10); // one event, at random
  for (const kind of KINDS) app.socket.emit(kind, `sentinel ${kind}`);
  const sentinels = KINDS.map((kind) => [kind, `"sentinel ${kind}"`]);
  return { from: app.socket.id, sent: [...sent(), ...sentinels] };
}

// Each listening app handled its own kind, all of it, in order, and nothing else; and its count
// line says so, with received: every event (no rooms), or its own only (a room for each kind).
export async function expectEachHandlesItsKind(
  apps: Awaited<ReturnType<typeof listeners>>,
  { from, sent }: Awaited<ReturnType<typeof pump>>,
  receivesAll: boolean,
) {
  for (const { cares, name, heard } of apps) {
    const sentinel = `handled ${cares} from ${from}: "sentinel ${cares}"`;
    await heard.until((lines) => lines.includes(sentinel));
    const mine = sent.filter(([kind]) => kind === cares);
    const handled = heard.lines.slice(0, heard.lines.indexOf(sentinel) + 1);
    expect(
      handled.filter((line) => line.startsWith("handled ")),
      name,
    ).toEqual(mine.map(([kind, json]) => `handled ${kind} from ${from}: ${json}`));
    const received = receivesAll ? sent.length : mine.length;
    await heard.until((lines) => lines.includes(`received ${received}, handled ${mine.length}`));
  }
}

// The busy store's page and its script, served by a lesson's server from that lesson's page/ folder.
export async function expectBusyPage(t: TestContext, port: number, lesson: string) {
  for (const [name, type] of [
    ["busy.html", "text/html"],
    ["busy.js", "text/javascript"],
  ]) {
    const response = await fetch(`http://localhost:${port}/${name}`);
    const file = await readFile(new URL(`../${lesson}/page/${name}`, import.meta.url), "utf8");
    t.expect([
      response.status,
      response.headers.get("content-type"),
      await response.text(),
    ]).toEqual([200, `${type}; charset=utf-8`, file]);
  }
}

// The busy app on its own, at its own pace (every 200 ms): with no server, a line for each event it
// could not send, its ids counting on, and none after it closes; then, at a server that refuses
// everything (namespace: "/store" in the second pass), the refusal as the server words it.
export async function expectDropsAndRefusals(t: TestContext, start: Start, namespace = "") {
  vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] }); // the app's ticks, ours to move
  t.onTestFinished(() => void vi.useRealTimers());
  const port = await freePort(); // nothing listens there
  const alone = recorder("busy app, no server");
  const app = start({ port, print: alone.line });
  t.onTestFinished(app.close);
  await alone.until(new RegExp(`^no server at http://localhost:${port}${namespace}: `));
  const dropped = () =>
    alone.lines.flatMap((line) => {
      const [, kind, note] = /^dropped (\w+) (\{.*\}) \(not connected\)$/.exec(line) ?? [];
      return kind ? [{ kind, note }] : [];
    });
  vi.advanceTimersByTime(199);
  t.expect(dropped()).toEqual([]);
  vi.advanceTimersByTime(401);
  t.expect(dropped().map(({ note }) => note)).toEqual(
    [1, 2, 3].map((id) => JSON.stringify({ id, change: "created" })),
  );
  for (const { kind } of dropped()) t.expect(KINDS).toContain(kind);
  app.close();
  vi.advanceTimersByTime(1000);
  t.expect(dropped()).toHaveLength(3);

  const open = await standIn(t, namespace, (socket) =>
    socket.onAny((...args) => args.at(-1)({ ok: false, error: "closed for stock-taking" })),
  );
  const refused = recorder("busy app, refused");
  const second = start({ port: open, print: refused.line });
  t.onTestFinished(second.close);
  await refused.until(/^connected to /);
  vi.advanceTimersByTime(200);
  await refused.until(/^refused: /);
  t.expect(refused.lines.slice(1)).toEqual([
    expect.stringMatching(/^\w+ \{"id":1,"change":"created"\}$/),
    "refused: closed for stock-taking",
  ]);
}

// The second pass's listening app on its own (cares: refund), at a server that refuses its join,
// says welcome, then sends a refund, an order and a refund: it says why it is not in its room, the
// welcome is not counted, the order is received and not handled, and the count comes once a second.
export async function expectCountsAlone(t: TestContext, start: Start, namespace: string) {
  vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] }); // the count's tick: ours to move
  t.onTestFinished(() => void vi.useRealTimers());
  const port = await standIn(t, namespace, (socket) => {
    socket.on("join", (_room: string, answer: (r: object) => void) =>
      answer({ ok: false, error: "no such room" }),
    );
    socket.emit("welcome", "to this app alone");
    const sent: [string, unknown][] = [
      ["refund", 1],
      ["order", 2],
      ["refund", "sentinel"],
    ];
    for (const [kind, speech] of sent) socket.emit(kind, { from: "the store", speech });
  });
  const heard = recorder("refund app");
  const app = start({ port, cares: "refund", print: heard.line });
  t.onTestFinished(app.close);
  await heard.until(/"sentinel"$/);
  await heard.until(/^no such room$/);
  vi.advanceTimersByTime(999);
  const counts = () => heard.lines.filter((line) => line.startsWith("received "));
  t.expect(counts()).toEqual([]);
  vi.advanceTimersByTime(1);
  t.expect(counts()).toEqual(["received 3, handled 2"]);
  // the refusal of its join comes as it may, among what the server sent
  const rest = heard.lines.filter((line) => !/^(connected to |no such room$)/.test(line));
  t.expect(rest).toEqual([
    "handled refund from the store: 1",
    'handled refund from the store: "sentinel"',
    "received 3, handled 2",
  ]);
  t.expect(heard.lines.filter((line) => line === "no such room")).toHaveLength(1);
}

// A stand-in for the lesson's server, in this process: each connection to the namespace given is
// the test's to answer. Resolves with its port.
async function standIn(t: TestContext, namespace: string, connected: (socket: Socket) => void) {
  const http = createServer().listen(0, "127.0.0.1");
  await once(http, "listening");
  const io = new Server(http);
  t.onTestFinished(() => new Promise<void>((done) => io.close(() => done())));
  io.of(namespace || "/").on("connection", connected);
  return (http.address() as { port: number }).port;
}
