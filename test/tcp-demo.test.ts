import { appendFile, readFile, writeFile } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import { setImmediate } from "node:timers/promises";
import { expect, test, vi } from "vitest";
import { startApp } from "../tcp-demo/app.ts";
import { startLogger } from "../tcp-demo/logger.ts";
import { lineReader } from "../tcp-demo/lines.ts";
import { startServer } from "../tcp-demo/server.ts";
import { LINES_PER_SECOND } from "../classroom/commentary.ts";
import {
  expectReadmeOutput,
  FAST,
  recorder,
  runScript,
  runScriptCommand,
  scratchCopy,
  START_MS,
  stillRunning,
  tcpClient,
  upTo,
  waitFor,
  withoutTime,
  freePort,
  type Context,
} from "./helpers.ts";

async function server(t: Context, port = 0) {
  const log = recorder("server");
  const started = await startServer({ port, print: log.line });
  t.onTestFinished(() => started.close());
  return { ...started, log };
}

function logger(t: Context, port: number, host?: string) {
  const heard = recorder("logger");
  const started = startLogger({ port, host, print: heard.line });
  t.onTestFinished(() => started.close());
  const connected = waitFor(started.connection, "connect");
  connected.catch(() => {}); // a test that awaits it still fails; one that does not need it does not
  return { ...started, heard, connected };
}

const eventsOf = (lines: string[]) =>
  lines.filter((line) => /^(create|update|delete|read) /.test(line));

test.concurrent("two loggers hear create, update, delete in order, never read", async (t) => {
  const { port } = await server(t);
  const loggers = [logger(t, port), logger(t, port)];
  await Promise.all(loggers.map((l) => l.connected));
  const sent = recorder("app");
  const app = startApp({ port, every: 5, print: sent.line });
  t.onTestFinished(() => app.close());
  await sent.until((lines) => lines.filter((line) => line.startsWith("sent read")).length >= 3);
  app.connection.send("delete sentinel"); // same connection, so the server handles every earlier line first
  const expected = [
    ...sent.lines
      .filter((line) => /^sent (create|update|delete) /.test(line))
      .map((line) => line.slice(5)),
    "delete sentinel",
  ];
  for (const { heard } of loggers) {
    await heard.until(/^delete sentinel$/);
    t.expect(eventsOf(upTo(heard.lines, /^delete sentinel$/))).toEqual(expected);
    t.expect(heard.lines[0]).toBe(`connected to localhost:${port}`);
  }
  t.expect(sent.lines).toContain(`connected to localhost:${port}`); // maybe after a drop or two
  await sent.until(/^heard delete sentinel$/); // the app hears what it sends, as everyone does
});

test.concurrent("the pool grows and shrinks as clients come and go", async (t) => {
  const { port, pool, log } = await server(t);
  const first = await tcpClient(t, port);
  await log.until(/connected \(1 in the pool\)/);
  const second = await tcpClient(t, port);
  await log.until(/connected \(2 in the pool\)/);
  first.socket.end();
  await log.until(/disconnected \(1 in the pool\)/);
  second.socket.end();
  await log.until(/disconnected \(0 in the pool\)/);
  t.expect(pool.size).toBe(0);
});

test.concurrent("unknown events go back to the sender as an error and reach no one", async (t) => {
  const { port, log } = await server(t);
  const sender = await tcpClient(t, port);
  const listener = await tcpClient(t, port);
  sender.send("update 1\nread 42\nfly away\ncreate sentinel\n"); // one write: the server reads it as one chunk
  await listener.heard.until(/^create sentinel$/);
  t.expect(listener.heard.lines).toEqual(["update 1", "create sentinel"]);
  const [id] = [...(/^(\w{6}) connected/.exec(log.lines[0]) ?? [])].slice(1);
  t.expect(log.lines.filter((l) => !/connected/.test(l))).toEqual([
    `update from ${id}: 1`,
    `${id} sent unknown event "read": not passed on`,
    `${id} sent unknown event "fly": not passed on`,
    `create from ${id}: sentinel`,
  ]);
  await sender.heard.until(4);
  t.expect(sender.heard.lines).toEqual([
    // in the order sent, errors included
    "update 1",
    'error unknown event "read": this server passes on create, update, delete',
    'error unknown event "fly": this server passes on create, update, delete',
    "create sentinel",
  ]);
});

test("the line reader reassembles a line split across chunks and a UTF-8 character split between them", () => {
  const read = lineReader();
  const snowman = Buffer.from("create ☃ snow\n"); // ☃ is three bytes, split below after the first
  expect(read(snowman.subarray(0, 8))).toEqual([]);
  expect(read(snowman.subarray(8, 12))).toEqual([]);
  expect(read(snowman.subarray(12))).toEqual([{ text: "create ☃ snow", event: "create" }]);
});

test("the line reader holds a line to 64 KiB, whole or unfinished, with or without \\r", () => {
  const KiB64 = 64 * 1024;
  const tooLong = { error: "line longer than 64 KiB", fatal: true };
  const line = (bytes: number) => "x".repeat(bytes);
  expect(lineReader()(Buffer.from(`${line(KiB64)}\n`))).toEqual([
    { text: line(KiB64), event: line(KiB64) },
  ]);
  expect(lineReader()(Buffer.from(`${line(KiB64)}\r\n`))).toEqual([
    { text: line(KiB64), event: line(KiB64) },
  ]);
  expect(lineReader()(Buffer.from(`${line(KiB64 + 1)}\n`))).toEqual([tooLong]); // it came whole
  expect(lineReader()(Buffer.from(line(KiB64)))).toEqual([]); // unfinished, and still allowed
  expect(lineReader()(Buffer.from(line(KiB64 + 1)))).toEqual([tooLong]); // unfinished, too long
  expect(lineReader()(Buffer.from(`ok\n${line(KiB64)}`))).toEqual([{ text: "ok", event: "ok" }]);
  expect(lineReader()(Buffer.from(`ok\n${line(KiB64 + 1)}`))).toEqual([
    { text: "ok", event: "ok" },
    tooLong,
  ]);
});

test("a web client at the TCP port is dropped at its first line, not answered line by line", async (t) => {
  const { port, log } = await server(t);
  const other = await tcpClient(t, port);
  const lost = await tcpClient(t, port); // a Socket.IO client pointed at the TCP lesson's port
  lost.send("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: localhost\r\n\r\n");
  const why = "an HTTP request: this server speaks lines (nc), not HTTP";
  t.expect(await lost.heard.until(1)).toEqual([`error ${why}: disconnecting`]);
  await log.until(/disconnected \(1 in the pool\)$/);
  const told = log.lines.filter((line) => / (dropped:|sent) /.test(line));
  t.expect(told.map((line) => line.replace(/^\w{6} /, ""))).toEqual([`dropped: ${why}`]);
  other.send("create still-here\n");
  await other.heard.until(/^create still-here$/);
  // a line that only looks like one is an event: lower case, or more words
  t.expect(lineReader()(Buffer.from("get / HTTP/1.1\nGET a b HTTP/1.1\n"))).toEqual([
    { text: "get / HTTP/1.1", event: "get" },
    { text: "GET a b HTTP/1.1", event: "GET" },
  ]);
});

test("a line of bad bytes is refused, and the lines around it in the same chunk are not", () => {
  const bad = Buffer.from([0x63, 0xff, 0xfe]);
  const chunk = Buffer.concat([Buffer.from("create 1\n"), bad, Buffer.from("\nupdate ☃\n")]);
  expect(lineReader()(chunk)).toEqual([
    { text: "create 1", event: "create" },
    { error: "line is not valid UTF-8" },
    { text: "update ☃", event: "update" },
  ]);
});

test("the line reader hands over every line of one chunk, skips empty lines and accepts \\r\\n", () => {
  const read = lineReader();
  expect(
    read(Buffer.from('create {"id":1}\r\n\n  \r\nupdate {"id":2}\ndelete {"id":3}\ncrea')),
  ).toEqual([
    { text: 'create {"id":1}', event: "create" },
    { text: 'update {"id":2}', event: "update" },
    { text: 'delete {"id":3}', event: "delete" },
  ]);
  expect(read(Buffer.from("te 4\n"))).toEqual([{ text: "create 4", event: "create" }]);
  expect(read(Buffer.from("update a\tb\r\n"))).toEqual([{ text: "update a\tb", event: "update" }]); // a last \r only
  const control = { error: "line holds control characters, escape codes among them" };
  for (const code of ["\r", "\x1b", "\x00", "\x7f", "\x9b"])
    expect(read(Buffer.from(`update a${code}b\n`)), JSON.stringify(code)).toEqual([control]);
});

test.concurrent(
  "lines written in pieces, together, with \\r\\n and with multi-byte characters reach a listener whole",
  async (t) => {
    const { port } = await server(t);
    const sender = await tcpClient(t, port);
    const listener = await tcpClient(t, port);
    sender.socket.setNoDelay(true);
    const snowman = Buffer.from("create ☃ snow\n");
    sender.send(snowman.subarray(0, 8));
    sender.send(snowman.subarray(8));
    sender.send("upd");
    sender.send('ate {"id":1}\r\n\r\n\ndelete {"id":2}\ncreate {"id":3}\n');
    await listener.heard.until(4);
    t.expect(listener.heard.lines).toEqual([
      "create ☃ snow",
      'update {"id":1}',
      'delete {"id":2}',
      'create {"id":3}',
    ]);
  },
);

test.concurrent(
  "a line over 64 KiB gets its sender an error and a disconnect; everyone else keeps receiving",
  async (t) => {
    const { port, log } = await server(t);
    const sender = await tcpClient(t, port);
    const listener = await tcpClient(t, port);
    sender.send("create " + "x".repeat(70 * 1024)); // no newline yet: the server must not wait for one
    await waitFor(sender.socket, "close");
    t.expect(sender.heard.lines).toEqual(["error line longer than 64 KiB: disconnecting"]);
    await log.until(/dropped: line longer than 64 KiB/);
    const other = await tcpClient(t, port);
    other.send("update sentinel\n");
    await listener.heard.until(/^update sentinel$/);
    t.expect(listener.heard.lines).toEqual(["update sentinel"]);
  },
);

test.concurrent("bytes that are not UTF-8 get an error back and are not passed on", async (t) => {
  const { port, log } = await server(t);
  const sender = await tcpClient(t, port);
  const listener = await tcpClient(t, port);
  sender.send(
    Buffer.concat([
      Buffer.from("create "),
      Buffer.from([0xff, 0xfe]),
      Buffer.from("\ncreate sentinel\n"),
    ]),
  );
  await listener.heard.until(/^create sentinel$/);
  t.expect(listener.heard.lines).toEqual(["create sentinel"]);
  t.expect(sender.heard.lines[0]).toBe("error line is not valid UTF-8: not passed on");
  await log.until(/sent a bad line: line is not valid UTF-8/);
});

test(
  "a client that stops reading is dropped once over 1 MiB waits for it, not before; others keep receiving",
  { timeout: 60_000 },
  async (t) => {
    const { port, log, pool } = await server(t);
    const stuck = await tcpClient(t, port);
    stuck.socket.pause();
    await log.until(/connected \(1 in the pool\)/);
    const [stuckOnTheServer] = pool.values();
    const sender = await tcpClient(t, port);
    const line = "create " + "x".repeat(60 * 1024) + "\n"; // a round: one line, under the 64 KiB limit
    let mostWaiting = 0; // the most the server let wait for the stuck client while it kept it
    const kept = () => [...pool.values()].includes(stuckOnTheServer);
    for (let round = 1; kept(); round++) {
      expect(round, "the server never dropped the stuck client").toBeLessThan(2000);
      sender.send(line);
      await sender.heard.until(round, 10_000); // its echo: the server has broadcast the line
      if (kept()) mostWaiting = Math.max(mostWaiting, stuckOnTheServer.writableLength);
    }
    expect(log.lines).toContainEqual(expect.stringMatching(/^\w+ dropped: it stopped reading/));
    expect(mostWaiting).toBeLessThanOrEqual(1024 * 1024);
    expect(mostWaiting).toBeGreaterThan(1024 * 1024 - 2 * line.length);
    expect([...pool.values()]).not.toContain(stuckOnTheServer);
    sender.send("delete sentinel\n");
    await sender.heard.until(/^delete sentinel$/);
  },
);

// Every answer the server writes is bounded, whatever the client sent to earn it
const UNREAD_ANSWERS = { "unknown events": "x\n", "bad lines": "create \x01\n" };
for (const [what, line] of Object.entries(UNREAD_ANSWERS)) {
  test(`a client that sends ${what} and never reads the errors is dropped past 1 MiB; others keep receiving`, async (t) => {
    const { port, log, pool } = await server(t);
    const listener = await tcpClient(t, port);
    const flooder = await tcpClient(t, port);
    flooder.socket.pause(); // it never reads the server's answers
    await log.until(/\(2 in the pool\)/);
    const [, flooding] = [...pool.values()];
    // 200,000 lines: over 13 MiB of answers, were they all kept for it
    for (let i = 0; i < 20; i++) flooder.send(line.repeat(10_000));
    await log.until(/^\w{6} dropped: it stopped reading \(over 1 MiB unsent\)$/, 20_000);
    expect(flooding.destroyed).toBe(true);
    expect([...pool.values()]).toEqual([pool.values().next().value]);
    listener.send("update sentinel\n");
    await listener.heard.until(/^update sentinel$/);
    expect(listener.heard.lines).toEqual(["update sentinel"]);
  });
}

test.concurrent(
  "a client the server drops leaves the pool at once, and is gone within a second though it never reads",
  async (t) => {
    const { port, log, pool } = await server(t);
    const listener = await tcpClient(t, port);
    const dropped = await tcpClient(t, port);
    dropped.socket.pause(); // it never reads the server's goodbye
    dropped.send("create " + "x".repeat(70 * 1024));
    await log.until(/dropped: line longer than 64 KiB/);
    t.expect(pool.size).toBe(1);
    await log.until(/^\w{6} disconnected \(1 in the pool\)$/, 3000); // its socket closed on the server
    listener.send("update sentinel\n");
    await listener.heard.until(/^update sentinel$/);
    t.expect(log.lines.filter((line) => /ERR_|EPIPE/.test(line))).toEqual([]);
  },
);

test.concurrent(
  "clients that reset their connection leave the pool; a broadcast still reaches everyone else",
  async (t) => {
    const { port, pool, log } = await server(t);
    const listener = await tcpClient(t, port);
    const doomed = await Promise.all([1, 2, 3].map(() => tcpClient(t, port)));
    const sender = await tcpClient(t, port);
    await log.until(/\(5 in the pool\)/);
    for (const client of doomed) client.socket.resetAndDestroy();
    sender.send("create after-reset\n"); // races the resets: the loop may meet dead sockets
    await listener.heard.until(/^create after-reset$/);
    await log.until(/disconnected \(2 in the pool\)/);
    t.expect(pool.size).toBe(2);
    t.expect(log.lines.filter((l) => /^\w{6} (ECONNRESET|EPIPE)$/.test(l)).length).toBeGreaterThan(
      0,
    );
    sender.send("delete sentinel\n");
    await listener.heard.until(/^delete sentinel$/);
    t.expect(listener.heard.lines).toEqual(["create after-reset", "delete sentinel"]);
  },
);

test.concurrent(
  "a logger started before its server connects when it comes up, and again after a restart",
  async (t) => {
    const port = await freePort(); // a free port, with nothing on it yet
    const { connection, heard } = logger(t, port);
    await heard.until(
      /no server on localhost:\d+: start it with npm run tcp:server -- --port \d+ \(retrying\)$/,
    );
    const first = await server(t, port);
    await waitFor(connection, "connect");
    const speaker = await tcpClient(t, port);
    speaker.send("create before-restart\n");
    await heard.until(/^create before-restart$/);

    await first.close();
    await heard.until(/lost the server/);
    const second = await server(t, port);
    await waitFor(connection, "connect");
    await heard.until(/back: reconnected/);
    const again = await tcpClient(t, second.port);
    again.send("update after-restart\n");
    await heard.until(/^update after-restart$/);
    t.expect(eventsOf(heard.lines)).toEqual(["create before-restart", "update after-restart"]);
  },
);

test.concurrent("a closed logger leaves the pool and does not try again", async (t) => {
  const { port, log } = await server(t);
  const { connection, connected, close } = logger(t, port);
  await connected;
  const retries: number[] = [];
  connection.on("retry", (delay: number) => retries.push(delay));
  await close();
  await log.until(/disconnected \(0 in the pool\)/);
  t.expect(retries).toEqual([]);
});

test.concurrent("a server that cannot listen rejects with the reason why", async (t) => {
  const { port } = await server(t);
  await t.expect(startServer({ port, print: () => {} })).rejects.toMatchObject({
    code: "EADDRINUSE",
  });
});

test.concurrent(
  "the app drops events while it has no server, instead of queueing them",
  async (t) => {
    const port = await freePort();
    const said = recorder("app");
    const app = startApp({ port, every: 10, print: said.line });
    t.onTestFinished(() => app.close());
    await said.until(/^dropped \w+ \{"id":3,/);
    const { log } = await server(t, port);
    await said.until(/^sent (create|update|delete) /);
    app.connection.send("delete sentinel");
    await log.until(/delete from \w+: sentinel/);
    const idsOf = (lines: string[]) =>
      lines.map((line) => /"id":(\d+)/.exec(line)?.[1]).filter(Boolean);
    const dropped = idsOf(said.lines.filter((line) => line.startsWith("dropped")));
    t.expect(dropped.length).toBeGreaterThanOrEqual(3);
    for (const id of dropped) t.expect(idsOf(log.lines)).not.toContain(id);
  },
);

test.concurrent(
  "npm run tcp:server with --help or a busy port ends, not waiting for a save",
  { tags: ["processes"] },
  async (t) => {
    const help = runScriptCommand(t, "tcp:server", ["--help"]);
    t.expect(await help.exitCode()).toBe(0);
    t.expect(help.out.lines[0]).toMatch(/^npm run tcp:server: The TCP lesson's event server/);
    const { port } = await server(t);
    const busy = runScriptCommand(t, "tcp:server", ["--port", String(port)]);
    t.expect(await busy.exitCode()).toBe(2);
    t.expect(busy.out.lines).toEqual([
      `port ${port} is busy: is a tcp:server already running? Stop it (Ctrl-C), or pick another: npm run tcp:server -- --port ${port + 1}`,
    ]);
  },
);

test.concurrent(
  "one terminal: npm run tcp labels each script's lines as the README shows, and Ctrl-C stops them all",
  { tags: ["processes"] },
  async (t) => {
    const port = await freePort(); // a free port: --port reaches all three scripts
    const lesson = runScriptCommand(t, "tcp", ["--port", String(port)], {
      ownGroup: true,
      env: FAST,
    });
    const of = (label: string) => (lines: string[]) =>
      lines.flatMap((line) =>
        line.startsWith(`[${label}] `) ? [line.slice(label.length + 3)] : [],
      );
    const [server, logger, app] = [of("server"), of("logger"), of("app")];
    const sent = (lines: string[]) =>
      app(lines).flatMap((line) => / sent (.*)$/.exec(line)?.[1] ?? []);
    const passedOn = (lines: string[]) => lines.filter((l) => /^(create|update|delete) /.test(l));
    const logged = (lines: string[]) =>
      logger(lines)
        .map(withoutTime)
        .filter((line) => /^(create|update|delete|read) /.test(line));
    // From the first event the logger heard (the three start at once), the app's events to the
    // first one passed on after a read: the logger must hear those, in order, and never the read.
    const [first] = await lesson.out.until((lines) => logged(lines).length > 0).then(logged);
    const fromFirst = (lines: string[]) => sent(lines).slice(sent(lines).indexOf(first));
    const afterRead = (lines: string[]) =>
      fromFirst(lines).slice(fromFirst(lines).findIndex((l) => l.startsWith("read ")) + 1);
    await lesson.out.until(
      (lines) =>
        sent(lines).includes(first) &&
        fromFirst(lines).some((l) => l.startsWith("read ")) &&
        passedOn(afterRead(lines)).length > 0,
      12_000,
    );
    const sentinel = passedOn(afterRead(lesson.out.lines))[0];
    const all = passedOn(fromFirst(lesson.out.lines));
    const wanted = all.slice(0, all.indexOf(sentinel) + 1);
    await lesson.out.until((lines) => logged(lines).includes(sentinel));
    await lesson.out.until((lines) => app(lines).some((l) => l.endsWith(` heard ${sentinel}`)));
    t.expect(logged(lesson.out.lines).slice(0, wanted.length)).toEqual(wanted);
    const printed = () => ({
      server: server(lesson.out.lines),
      logger: logger(lesson.out.lines),
      app: app(lesson.out.lines),
    });
    expectReadmeOutput("tcp", printed());
    t.expect(lesson.out.lines[0]).toMatch(/^\[server\] .* listening on port /); // the clients after it:
    t.expect(lesson.out.lines.filter((line) => / no server /.test(line))).toEqual([]); // none says "no server"
    // A student's nc sends escape codes that would clear the projected screen and retitle its window:
    // refused, so that they reach no one, every nc of the class included
    const nc = await tcpClient(t, port);
    nc.send("create \x1b[2J\x1b]0;pwned\x07\ncreate after\n");
    const refusal = "line holds control characters, escape codes among them";
    await nc.heard.until(/^create after$/);
    const ours = nc.heard.lines.filter((line) => !line.includes('"thing":')); // not the app's
    t.expect(ours).toEqual([`error ${refusal}: not passed on`, "create after"]);
    await lesson.out.until((lines) => logged(lines).includes("create after"));
    t.expect(server(lesson.out.lines)).toContainEqual(
      t.expect.stringMatching(`sent a bad line: ${refusal}$`),
    );
    t.expect(lesson.out.lines.join("\n")).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);

    await lesson.stop(); // Ctrl-C: SIGINT to every process of the terminal's group
    await t.expect.poll(() => stillRunning(lesson.child.pid)).toEqual([]); // concurrently, 3 scripts
    const again = await startServer({ port, print: () => {} }); // the port is free again
    await again.close();
  },
);

test.concurrent(
  "HOST picks the one address a server listens on, and an address not of this machine is one line",
  async (t) => {
    const wrong = startServer({ port: 0, host: "203.0.113.7", print: () => {} }); // a documentation address
    await t.expect(wrong).rejects.toMatchObject({ code: "EADDRNOTAVAIL" }); // one line: see classroom's tests

    const { port, close } = await startServer({ port: 0, host: "127.0.0.1", print: () => {} });
    t.onTestFinished(close);
    const near = logger(t, port, "127.0.0.1");
    await near.connected;
    const far = logger(t, port, "127.0.0.2"); // this machine too, but not the address the server took
    await far.heard.until(/^(no server|cannot reach)/);
    t.expect(far.heard.lines).toEqual([
      `no server on 127.0.0.2:${port}: start it with npm run tcp:server -- --port ${port} (retrying)`,
    ]);
  },
);

test.concurrent("the app sends one read in every four events, in a random order", async (t) => {
  const { port } = await server(t);
  const sent = recorder("app");
  const app = startApp({ port, every: 5, print: sent.line });
  t.onTestFinished(app.close);
  const picked = /^(?:sent|dropped) (\w+)/; // an event dropped before the app connected counts too
  const events = () => sent.lines.flatMap((l) => picked.exec(l)?.[1] ?? []);
  await sent.until(() => events().length >= 40);
  const fours = Array.from({ length: 10 }, (_, i) => events().slice(i * 4, i * 4 + 4));
  for (const four of fours)
    t.expect([...four].sort()).toEqual(["create", "delete", "read", "update"]);
  t.expect(new Set(fours.map((four) => four.join())).size).toBeGreaterThan(1); // not the same order each time
});

test("with no server a client says so once per outage, retrying from 0.1 s and doubling to 4 s", async (t) => {
  const nothingThere = await startServer({ port: 0, print: () => {} });
  await nothingThere.close(); // a free port
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] }); // the retries wait for us, not the clock
  t.onTestFinished(() => void vi.useRealTimers());
  const { connection, heard } = logger(t, nothingThere.port);
  const retries = recorder("retries");
  connection.on("retry", (ms) => retries.line(String(ms)));
  const retryEach = async (count: number) => {
    for (let n = retries.lines.length + 1, last = n + count; n < last; n++) {
      await retries.until(n);
      vi.advanceTimersByTime(Number(retries.lines[n - 1])); // the next try is due
    }
  };
  await retryEach(8);
  expect(retries.lines.map(Number)).toEqual([100, 200, 400, 800, 1600, 3200, 4000, 4000]);
  const noServer = `no server on localhost:${nothingThere.port}: start it with npm run tcp:server -- --port ${nothingThere.port} (retrying)`;
  expect(heard.lines).toEqual([noServer]);

  const { close } = await server(t, nothingThere.port);
  await heard.until(/^connected to/);
  await close();
  await retryEach(3); // a new outage: told once more, and the delays start over
  expect(retries.lines.slice(8).map(Number)).toEqual([100, 200, 400]);
  expect(heard.lines).toEqual([
    noServer,
    `connected to localhost:${nothingThere.port}`,
    `lost the server at localhost:${nothingThere.port}: retrying`,
  ]);
});

test("a client closing against a server that never closes its side is gone within a second", async (t) => {
  // allowHalfOpen: after the client's goodbye it keeps its own side open, as a student's server may
  const silent = createServer({ allowHalfOpen: true }, (socket) => socket.on("error", () => {}));
  silent.listen(0, "127.0.0.1");
  await waitFor(silent, "listening");
  t.onTestFinished(() => void silent.close());
  const { port } = silent.address() as AddressInfo;
  const { connection, connected } = logger(t, port, "127.0.0.1");
  await connected;
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  t.onTestFinished(() => void vi.useRealTimers());
  const closing = connection.close();
  await vi.advanceTimersByTimeAsync(1000);
  const closed = await Promise.race([closing.then(() => "closed"), setImmediate("still open")]);
  expect(closed).toBe("closed");
  expect(connection.connected).toBe(false);
});

test.concurrent("a logger given an unknown HOST says so in one line", async (t) => {
  const heard = recorder("logger");
  const started = startLogger({ host: "no-such-host.invalid", port: 4000, print: heard.line });
  t.onTestFinished(started.close);
  await heard.until(1, 5000);
  t.expect(heard.lines).toEqual(['unknown host "no-such-host.invalid": check --host (retrying)']);
});

test.concurrent(
  "a logger reaches the server through another address of it, as a student's laptop would",
  async (t) => {
    const address = "127.0.0.2"; // a server bound to 127.0.0.1 alone would refuse it, as it would a laptop
    const { port } = await server(t);
    const { heard, connected } = logger(t, port, address);
    await connected;
    const speaker = await tcpClient(t, port);
    speaker.send("create over-the-network\n");
    await heard.until(/^create over-the-network$/);
    t.expect(heard.lines).toEqual([`connected to ${address}:${port}`, "create over-the-network"]);
  },
);

// Three restarts under tsx, one after another: on a loaded machine, over a minute
test(
  "live coding: saving the server restarts it, a crash waits for the next save, and the logger rides through",
  { timeout: 150_000, tags: ["processes"] },
  async (t) => {
    const folder = await scratchCopy(t, "tcp-demo", "classroom"); // a copy to edit; the real file stays put
    const serverFile = join(folder, "tcp-demo", "server.ts");
    await appendFile(serverFile, "\nconsole.log(`pid ${process.pid}`);\n"); // for a kill -9
    const port = await freePort();
    const server = runScript(t, serverFile, { PORT: String(port) }, { watch: "tcp:server" });
    // each wait for the server under watch is one for a child process to start
    const listening = (count: number) =>
      server.out.until((l) => l.filter((x) => /listening on port/.test(x)).length >= count);
    await listening(1);
    const { heard } = logger(t, port);
    await heard.until(/^connected to/);

    await appendFile(serverFile, "\n// an edit\n");
    await listening(2);
    await heard.until(/^back: reconnected/, START_MS);

    const source = await readFile(serverFile, "utf8");
    await writeFile(
      serverFile,
      source.replace("const EVENTS", 'throw new Error("a typo while editing");\nconst EVENTS'),
    );
    await server.out.until(/Error: a typo while editing/);
    await writeFile(serverFile, source);
    await listening(3);
    await heard.until(
      (lines) => lines.filter((l) => l.startsWith("back: reconnected")).length >= 2,
      START_MS,
    );
    const speaker = await tcpClient(t, port);
    speaker.send("create after-the-fix\n");
    await heard.until(/^create after-the-fix$/);

    // kill -9 of the server, not of the watcher: the next save starts it again
    const pids = await server.out.until((l) => l.filter((x) => x.startsWith("pid ")).length >= 3);
    const pid = pids.findLast((line) => line.startsWith("pid "))?.slice(4); // the third start's
    process.kill(Number(pid), "SIGKILL");
    await heard.until(/^lost the server at /);
    await appendFile(serverFile, "\n// saved after a kill -9\n");
    await listening(4);
    await heard.until(
      (lines) => lines.filter((l) => l.startsWith("back: reconnected")).length >= 3,
      START_MS,
    );
    expect(await server.stop()).toBe(0);
  },
);

test("past 30 lines a second the server prints one summary a second instead, until the flood is over", async (t) => {
  vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] }); // the summary's tick: ours to move
  t.onTestFinished(() => void vi.useRealTimers());
  const { port, log } = await server(t);
  const flooder = await tcpClient(t, port);
  flooder.send(Array.from({ length: 100 }, (_, i) => `create ${i}\n`).join("") + "read 1\n");
  await flooder.heard.until(/^error unknown event "read"/); // the server has read it all
  vi.advanceTimersByTime(1000); // a second of flood: its summary
  vi.advanceTimersByTime(1000); // a quiet second: the flood is over
  await log.until(/^the flood is over: one line per event again$/);
  const printed = log.lines.filter((line) => line.startsWith("create from")).length;
  expect(printed).toBeLessThan(LINES_PER_SECOND);
  expect(log.lines).toContain(
    `over ${LINES_PER_SECOND} lines a second: one summary a second instead`,
  );
  const summaries = log.lines
    .map((line) => /^last second: (\d+) events? passed on, (\d+) dropped, 1 client$/.exec(line))
    .filter((match) => match !== null);
  const total = (group: number) => summaries.reduce((sum, match) => sum + Number(match[group]), 0);
  expect(summaries.length).toBeGreaterThan(0);
  expect(total(1)).toBeGreaterThanOrEqual(100 - printed); // a summary counts the whole second, printed lines too
  expect(total(1)).toBeLessThanOrEqual(100);
  expect(total(2)).toBe(1);
  expect(flooder.heard.lines).toContain("create 99"); // summarising changes what the server prints, not what it sends
});
