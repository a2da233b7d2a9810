// The checkers of "Build your own", checked: the lesson's own servers pass everything, even while a
// class uses them, and each small server in test/broken/ fails the one check that names its fault,
// and no other. The checkers run in this process; one run of each from the command line checks
// what a student sees of it and its exit code.
import { createServer, request as httpRequest, type Server as HttpServer } from "node:http";
import {
  createServer as createNetServer,
  type AddressInfo,
  type Server as NetServer,
  type Socket as NetSocket,
} from "node:net";
import { Server } from "socket.io";
import { expect, test, vi } from "vitest";
import { startServer as startTcp } from "../tcp-demo/server.ts";
import { startServer as startSocketIo } from "../socketio-demo/server.ts";
import { startServer as startNamespaces } from "../socketio-namespaces/server.ts";
import { startServer as startDelivery } from "../socketio-delivery/server.ts";
import { checkTcp, tcpSettings } from "../check/tcp.ts";
import { checkSocketIo, socketIoSettings } from "../check/socketio.ts";
import { checkNamespaces, namespacesSettings } from "../check/namespaces.ts";
import { checkDelivery, deliverySettings } from "../check/delivery.ts";
import { Heard, printed, runChecks, speechIn, Stop, type Print } from "../check/report.ts";
import {
  ioClient,
  recorder,
  runScript,
  tcpClient,
  waitFor,
  WAIT_MS,
  type Context,
} from "./helpers.ts";
import { startBrokenTcp, type TcpFault } from "./broken/tcp-server.ts";
import { startBrokenSocketIo, type SocketIoFault } from "./broken/socketio-server.ts";
import { startBrokenDelivery, type DeliveryFault } from "./broken/delivery-server.ts";

const checkers = {
  tcp: (args: string[], print: Print) => checkTcp(tcpSettings(args), print),
  socketio: (args: string[], print: Print) => checkSocketIo(socketIoSettings(args), print),
  namespaces: (args: string[], print: Print) => checkNamespaces(namespacesSettings(args), print),
  delivery: (args: string[], print: Print) => checkDelivery(deliverySettings(args), print),
};
type Lesson = keyof typeof checkers;

// What a checker printed, the names of the checks it failed, and its exit code. A check that
// passes waits as long as it takes, up to --wait: here, with the whole suite running on two
// cores, up to 15 s. Only a check that hears nothing at all waits out its bound. The
// mutation run, a test at a time, sets CHECK_WAIT shorter: a mutant that makes a check wait for
// nothing then fails in seconds.
const WAIT_S = Number(process.env.CHECK_WAIT || 15);
async function check(lesson: Lesson, port: number, wait = WAIT_S, ...more: string[]) {
  const printed = recorder(lesson);
  const args = ["--port", String(port), "--wait", String(wait), ...more];
  const code = await checkers[lesson](args, printed.line);
  const lines = sameEachRun(printed.lines.map((line) => line.trim()).filter(Boolean));
  const failed = lines.filter((l) => l.startsWith("✗ ")).map((l) => l.slice(2).split(": ")[0]);
  return { code, lines, failed };
}

// The lines with this run's marks made the same each run: a checker's random run id (hex, or the
// first of its record ids, which are numbers) and the records' times.
function sameEachRun(lines: string[]) {
  const found = /run\\?":\\?"([0-9a-f]{6})|check ([0-9a-f]{6}):/.exec(lines.join("\n"));
  const run = found?.[1] ?? found?.[2];
  return lines.map((line) =>
    (run ? line.replaceAll(run, "RUN") : line)
      .replace(/\b\d{7,9}\b/g, "ID")
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, "TIME"),
  );
}

// What the TCP checker prints first for a server that answers no unknown event to its sender
// alone: one that passes on every event, unknown ones too, or one that answers none.
const FLOOD =
  "no answer to read for its sender alone: filling a client with 16 MiB of create lines to every client, now";

// What each checker prints when every check passes, groups and all
const PASSING = {
  tcp: [
    "basics: what the lesson plan asks for",
    "✓ a recognised event (create) reaches every client, the sender included",
    "✓ an unrecognised event (read) reaches no one",
    "✓ after a client leaves, events still reach the rest",
    "beyond the lesson plan",
    "✓ two lines in one write are two events, and a line written in pieces is one",
    "✓ a line may end in \\r\\n, as nc and telnet send it",
    "✓ an endless line is answered, or its client dropped, within 1 MiB",
    "✓ a line that is not UTF-8 is passed on to no one, and stops no one",
    "✓ a client that stops reading is dropped before 16 MiB wait for it",
    "8 passed, 0 failed",
  ],
  socketio: [
    "basics: what the lesson plan asks for",
    "✓ speak becomes message to every client, the sender included",
    "✓ the payload arrives as sent, object or text",
    "✓ a client that joins later gets only what follows",
    "beyond the lesson plan",
    "✓ a bad payload is refused with an answer to its sender, and passed on to no one",
    "✓ an acknowledgement comes back",
    "5 passed, 0 failed",
  ],
  namespaces: [
    "the who-sees-what table",
    "✓ what is said in / reaches / and stays in /",
    "✓ what is said in /home reaches /home and stays in /home",
    "✓ /school reaches every socket of /school, in the room or not",
    "✓ lesson reaches the codefellows room's members only",
    "4 passed, 0 failed",
  ],
  delivery: [
    "the lesson so far",
    "✓ speak becomes message to every client, the sender included",
    "nothing lost across a reconnect",
    "✓ a client back from a dropped connection gets what it missed, once, in order",
    "✓ a record that comes twice, a retry, is passed on once",
    "✓ a client that joins later gets only what follows",
    "4 passed, 0 failed",
  ],
};

// A broken server from test/broken/, started in this process like the lessons' own.
async function broken(t: Context, server: string) {
  const [file, fault] = server.split(" ");
  const started =
    file === "tcp-server"
      ? await startBrokenTcp(fault as TcpFault)
      : file === "delivery-server"
        ? await startBrokenDelivery(fault as DeliveryFault)
        : await startBrokenSocketIo(fault as SocketIoFault);
  t.onTestFinished(started.close);
  return started;
}

// Broken servers started, and each checked, all at once.
const checkEach = (t: Context, lesson: Lesson, servers: string[]) =>
  Promise.all(servers.map(async (server) => check(lesson, (await broken(t, server)).port)));

const quiet = { port: 0, print: () => {} };
const LESSONS = Object.keys(checkers) as Lesson[];
const starters = {
  tcp: startTcp,
  socketio: startSocketIo,
  namespaces: startNamespaces,
  delivery: startDelivery, // with a private Redis where redis-server is installed, as npm run gives it
};

const portOf = (server: NetServer | HttpServer) => (server.address() as AddressInfo).port;

// A Socket.IO server with a middleware, and nothing else, on a port of its own
async function socketIoServer(t: Context, middleware: Parameters<Server["use"]>[0]) {
  const http = createServer();
  const server = new Server(http).use(middleware);
  t.onTestFinished(() => server.close());
  http.listen(0, "127.0.0.1");
  await waitFor(http, "listening");
  return portOf(http);
}

// How many clients are connected to a lesson's server: a checker that is done leaves none
const connections = (server: { pool: Map<string, unknown> } | { io: Server }) =>
  "pool" in server ? server.pool.size : server.io.engine.clientsCount;
const WAIT = { timeout: WAIT_MS };

async function lessonServer<L extends Lesson>(t: Context, lesson: L) {
  const server = (await starters[lesson](quiet)) as Awaited<ReturnType<(typeof starters)[L]>>;
  t.onTestFinished(server.close);
  return server;
}

// A test on a fake clock that awaits what never comes fails in two seconds, not after a minute:
// under mutation, a test that stops to wait costs a test runner its restart.
const ON_A_FAKE_CLOCK = { timeout: 2000 };

// First what takes milliseconds: the flags, the output, the report's parts. A mutation run, a test
// at a time, stops at a mutant's first failing test, before the servers below are started at all.
test("a bad flag is one line that says what to do, and --help the usage", () => {
  const refusals = [
    [() => tcpSettings(["--port", "forty"]), '--port takes a number from 1 to 65535, not "forty"'],
    [() => tcpSettings(["--events", "speak"]), /^--events takes three event names, like cr/],
    [() => tcpSettings(["--events", "speak,speak,shout"]), /not speak,speak,shout$/],
    [() => tcpSettings(["--events", "speak,shout,hum,speak"]), /not speak,shout,hum,speak$/],
    [() => tcpSettings(["--events", "speak,shout,a b"]), /not speak,shout,a b$/],
    [() => tcpSettings(["--unknown", "create"]), /^--unknown takes an event name not in --ev/],
    [() => tcpSettings(["--prot", "4000"]), /^Unknown option '--prot'. usage: npm run check:tcp/],
    [() => tcpSettings(["--wait", "-1"]), /^Option '--wait' argument is ambiguous. usage: [^\n]*$/],
    [() => deliverySettings(["--wait", "soon"]), /^--wait takes a number of seconds from 1 to 6/],
    [() => socketIoSettings(["--port", "0"]), '--port takes a number from 1 to 65535, not "0"'],
    [() => socketIoSettings(["--url", "localhost:3000"]), /^--url takes a URL like http:/],
    [() => socketIoSettings(["--port", "3000", "--url", "http://localhost:3000"]), /not both$/],
    [
      () => namespacesSettings(["--home", "home"]),
      "--home takes a namespace of its own, like /home, not home",
    ],
    [
      () => namespacesSettings(["--school", "school/x"]),
      "--school takes a namespace of its own, like /school, not school/x",
    ],
    [
      () => namespacesSettings(["--home", "/school"]),
      "--home takes a namespace of its own, like /home, not /school",
    ],
  ] as const;
  for (const [settings, line] of refusals) {
    expect(settings).toThrow(line);
    expect(settings).toThrow(expect.objectContaining({ code: 2 }));
  }
  expect(() => namespacesSettings(["--help"])).toThrow(/^usage: npm run check:namespaces /);
  expect(() => namespacesSettings(["--help"])).toThrow(expect.objectContaining({ code: 0 }));
  expect(() => deliverySettings(["--help"])).toThrow(/^usage: npm run check:delivery /);
  expect(socketIoSettings(["--host", "::1", "--port", "3001"]).url).toBe("http://[::1]:3001");
  expect(socketIoSettings(["--url", "http://localhost:3002/"]).url).toBe("http://localhost:3002");
  expect(namespacesSettings(["--wait", "2.5"]).wait).toBe(2500);
  expect(tcpSettings([]).wait).toBe(5000);
});

test("a server's words in a checker's output show escape codes as text, a line each", (t) => {
  const shown: unknown[] = [];
  const logged = vi.spyOn(console, "log").mockImplementation((line) => void shown.push(line));
  t.onTestFinished(() => logged.mockRestore());
  printed("error \x1b[2J\x1b]0;pwned\x07\x9b\nnext");
  expect(shown).toEqual([String.raw`error \x1b[2J\x1b]0;pwned\x07\x9b`, "next"]);
});

test("with nothing listening, each checker says so in one line", async () => {
  const nothing = await startTcp(quiet);
  await nothing.close(); // a free port
  for (const lesson of ["tcp", "socketio", "namespaces", "delivery"] as const) {
    const checking = checkers[lesson](["--port", String(nothing.port)], () => {});
    const where = `localhost:${nothing.port}`;
    await expect(checking, lesson).rejects.toThrow(
      lesson === "tcp"
        ? `nothing listens on ${where} (ECONNREFUSED): start your server, or pass --port and --host`
        : `nothing answers Socket.IO at http://${where} (ECONNREFUSED): start your server, or ` +
            "pass --port and --host, or --url",
    );
    await expect(checking, lesson).rejects.toBeInstanceOf(Stop);
  }
});

// A student's likely slips: the TCP lesson's port, a port that takes connections and says nothing,
// a middleware (io.use) that refuses or never calls next(). Each is a line that says which.
test("where no checker's client gets in, each Socket.IO checker says why in one line", async (t) => {
  const tcp = await startTcp({ ...quiet, host: "127.0.0.1" });
  t.onTestFinished(tcp.close);
  const silent = createNetServer(); // takes a connection, and never answers
  const held = new Set<NetSocket>();
  silent.on("connection", (socket) => held.add(socket)).listen(0, "127.0.0.1");
  await waitFor(silent, "listening");
  t.onTestFinished(() => {
    for (const socket of held) socket.destroy();
    return new Promise<void>((done) => silent.close(() => done()));
  });
  const refusing = await socketIoServer(t, (_socket, next) => next(new Error("unauthorized")));
  const holding = await socketIoServer(t, () => {}); // never lets a client in
  const url = (port: number) => `http://127.0.0.1:${port}`;
  const elsewhere = (port: number, why: string) =>
    `something listens at ${url(port)}, but no Socket.IO server answers there (${why}): is that ` +
    "your Socket.IO server's port? If not, pass --port and --host, or --url";
  const keptOut = (port: number, why: string) =>
    `the Socket.IO server at ${url(port)} does not let the checker in (${why}): a middleware ` +
    "(io.use) must call next() for every client";
  // the wait: a second where a probe must wait it out, else a minute, so that a probe left open
  // is seen open, rather than timed out
  const cases = [
    [tcp.port, 60, elsewhere(tcp.port, "websocket error")],
    [portOf(silent), 1, elsewhere(portOf(silent), "timeout")],
    [refusing, 60, keptOut(refusing, "unauthorized")],
    [holding, 1, keptOut(holding, "not let in after 1 s")],
  ] as const;
  const runs = (["socketio", "namespaces", "delivery"] as const).flatMap((lesson) =>
    cases.map(async ([port, wait, line]) => {
      const args = ["--url", url(port), "--wait", String(wait)];
      await expect(
        checkers[lesson](args, () => {}),
        lesson,
      ).rejects.toThrow(new Stop(line));
    }),
  );
  await Promise.all(runs);
  await expect.poll(() => tcp.pool.size, WAIT).toBe(0); // no probe left open
});

// The slip the other way round: the TCP checker at a Socket.IO lesson's port, whose HTTP server
// answers a line with its status and closes. One line, not eight checks that fail on it.
test("the TCP checker at a port that answers in HTTP says so in one line", async (t) => {
  const port = await socketIoServer(t, (_socket, next) => next());
  const printed = recorder("check:tcp");
  const checking = checkers.tcp(["--host", "127.0.0.1", "--port", String(port)], printed.line);
  const status = "HTTP/1.1 400 Bad Request";
  await expect(checking).rejects.toThrow(
    new Stop(
      `something listens on 127.0.0.1:${port}, but it answers in HTTP ("${status}"), not in ` +
        "lines: is that your TCP server's port? If not, pass --port and --host",
    ),
  );
  expect(printed.lines).toEqual([]);
});

// What the four checkers share, check/report.ts, on its own: no server, and no wait but a fake one
test("what a client heard is shown as its last three items, each cut short, and how it ended", () => {
  const heard = new Heard<unknown>(1000);
  expect(heard.got()).toBe("nothing");
  for (const item of ["a", "b", "x".repeat(100), { id: 1 }]) heard.add(item);
  const shown = `["b","${"x".repeat(79)}…",{"id":1}]`;
  expect(heard.got()).toBe(shown);
  heard.end("a disconnect");
  heard.end("a second end"); // the first end is the one that counts
  expect(heard.got()).toBe(`${shown}, then a disconnect`);
});

test(
  "a wait for what a client hears: what came up to it, or at once a failure",
  ON_A_FAKE_CLOCK,
  async (t) => {
    vi.useFakeTimers();
    // the real clock back though an expect fails: the files after this one share it
    t.onTestFinished(() => void vi.useRealTimers());
    const heard = new Heard<string>(3000);
    const failure = (got: string) => `expected "b", got ${got}. Hint: say b`;
    // what came, up to and with what was awaited, as it arrives
    const arrived = heard.until("b", '"b"', "say b", "s");
    for (const item of ["a", "b", "c"]) heard.add(item);
    await expect(arrived).resolves.toEqual(["a", "b"]);
    await expect(heard.until("c", '"c"', "say c")).resolves.toEqual(["a", "b", "c"]);
    // the sentinel first: nothing sent before it is still coming
    const sentinelFirst = heard.until("b2", '"b"', "say b", "s");
    heard.add("s");
    await expect(sentinelFirst).rejects.toThrow(failure('["b","c","s"]'));
    // nothing, until the wait is out
    const never = heard.until("z", '"b"', "say b");
    vi.advanceTimersByTime(2999);
    heard.add("y");
    const late = expect(never).rejects.toThrow(failure('["c","s","y"]'));
    vi.advanceTimersByTime(1);
    await late;
    // an answer of any kind: an item, or the end of the connection, but not silence
    const silent = new Heard<string>(3000);
    const unanswered = expect(silent.answer("an answer", "answer")).rejects.toThrow(
      "expected an answer, got nothing. Hint: answer",
    );
    vi.advanceTimersByTime(3000);
    await unanswered;
    const answered = silent.answer("an answer", "answer");
    silent.add("ok");
    await expect(answered).resolves.toBeUndefined();
    const ending = new Heard<string>(3000);
    const ended = ending.answer("an answer", "answer");
    ending.end("a disconnect");
    await expect(ended).resolves.toBeUndefined();
    await expect(ending.until("x", '"x"', "say x")).rejects.toThrow(
      'expected "x", got nothing, then a disconnect. Hint: say x',
    );
    vi.useRealTimers();
  },
);

test(
  "the checks run in turn, the last ones last, each bounded, and print in the order given",
  ON_A_FAKE_CLOCK,
  async (t) => {
    vi.useFakeTimers();
    t.onTestFinished(() => void vi.useRealTimers());
    const ran: string[] = [];
    const check = (group: string, name: string, run: () => Promise<void>) => ({
      group,
      name,
      run: () => (ran.push(name), run()),
    });
    const lines: string[] = [];
    const done = runChecks(
      [
        check("first", "stops the server", async () => {}),
        check("first", "passes", async () => {}),
        check("then", "fails", async () => {
          throw new Error("expected this, got that. Hint: do this");
        }),
        check("then", "never ends", () => new Promise(() => {})),
      ],
      {
        print: (line) => lines.push(line),
        closeClients: () => ran.push("closed"),
        last: ["stops the server"],
        wait: 6000, // twice that bounds a check: 12 s
      },
    );
    await vi.advanceTimersByTimeAsync(11_999);
    expect(lines).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await expect(done).resolves.toBe(1);
    vi.useRealTimers();
    expect(ran).toEqual([
      ...["passes", "closed", "fails", "closed", "never ends", "closed"],
      ...["stops the server", "closed"],
    ]);
    expect(lines).toEqual([
      "\nfirst",
      "✓ stops the server",
      "✓ passes",
      "\nthen",
      "✗ fails: expected this, got that. Hint: do this",
      "✗ never ends: expected an answer, got nothing within 12 s. Hint: does the server still run?",
      "\n2 passed, 2 failed",
    ]);
    // a short wait: still 10 s for a check
    vi.useFakeTimers();
    const shortLines: string[] = [];
    const short = runChecks([check("only", "never ends", () => new Promise(() => {}))], {
      print: (line) => shortLines.push(line),
      closeClients: () => {},
      wait: 1000,
    });
    await vi.advanceTimersByTimeAsync(10_000);
    await expect(short).resolves.toBe(1);
    vi.useRealTimers();
    expect(shortLines[1]).toBe(
      "✗ never ends: expected an answer, got nothing within 10 s. Hint: does the server still run?",
    );
  },
);

test("what a message carried: the speech in it, or the payload of a server that sends it bare", () => {
  expect(speechIn({ from: "x", speech: "hi" })).toBe("hi");
  expect(speechIn({ from: "x", speech: null })).toBeNull();
  expect(speechIn({ id: 1 })).toEqual({ id: 1 });
  expect(speechIn("hi")).toBe("hi");
  expect(speechIn(null)).toBeNull();
});

test("each checker's settings: the defaults, and the bounds of every flag", () => {
  const asked = { wait: 5000, speak: "speak", message: "message" };
  expect(tcpSettings([])).toEqual({
    ...{ port: 4000, host: "localhost", events: ["create", "update", "delete"], unknown: "read" },
    wait: 5000,
  });
  expect(socketIoSettings([])).toEqual({ url: "http://localhost:3000", ...asked });
  expect(deliverySettings([])).toEqual({ url: "http://localhost:3000", ...asked });
  expect(namespacesSettings([])).toEqual({
    ...{ url: "http://localhost:3000", home: "/home", school: "/school", room: "codefellows" },
    ...{ join: "join", lesson: "lesson", ...asked },
  });
  const refused = (settings: () => unknown, line: string) => {
    expect(settings).toThrow(line);
    expect(settings).toThrow(expect.objectContaining({ code: 2 }));
  };
  for (const [wait, ms] of [
    ["1", 1000],
    ["600", 600_000],
    ["2.25", 2250],
  ] as const)
    expect(tcpSettings(["--wait", wait]).wait).toBe(ms);
  for (const wait of ["0.5", "600.5", "601", "1e3", " 5", "5s", ""])
    refused(() => tcpSettings(["--wait", wait]), `from 1 to 600, not ${JSON.stringify(wait)}`);
  for (const port of ["1", "65535"]) expect(tcpSettings(["--port", port]).port).toBe(Number(port));
  for (const port of ["65536", "1.5", "0", " 1", "0x10"])
    refused(() => tcpSettings(["--port", port]), `from 1 to 65535, not ${JSON.stringify(port)}`);
  expect(socketIoSettings(["--host", "example.test"]).url).toBe("http://example.test:3000");
  expect(socketIoSettings(["--url", "https://example.test"]).url).toBe("https://example.test");
  for (const url of ["ftp://example.test", "http//example.test", "http://", "xhttp://example.test"])
    refused(() => socketIoSettings(["--url", url]), `like http://localhost:3000, not ${url}`);
  refused(
    () => deliverySettings(["--host", "h", "--url", "http://h"]),
    "give --url, or --port and --host, not both",
  );
  expect(tcpSettings(["--events", "a,b,c", "--unknown", "d"])).toMatchObject({
    events: ["a", "b", "c"],
    unknown: "d",
  });
  for (const events of ["a,b", "a,a,b", "a,b,c d", "a,b,c,d"])
    refused(() => tcpSettings(["--events", events]), `like create,update,delete, not ${events}`);
  for (const unknown of ["a b", "create"])
    refused(
      () => tcpSettings(["--unknown", unknown]),
      `not in --events, like read, not ${unknown}`,
    );
  for (const [flag, namespace] of [
    ["--home", "/"],
    ["--school", "/a b"],
    ["--home", "x"],
  ])
    refused(
      () => namespacesSettings([flag, namespace]),
      `${flag} takes a namespace of its own, like /${flag.slice(2)}, not ${namespace}`,
    );
  refused(
    () => namespacesSettings(["--home", "/x", "--school", "/x"]),
    "--home takes a namespace of its own, like /home, not /x",
  );
  expect(namespacesSettings(["--home", "/h", "--room", "r"])).toMatchObject({
    home: "/h",
    room: "r",
  });
});

test.concurrent(
  "from the command line: the checks then exit 0 or 1, or one line and exit 2",
  { tags: ["processes"] },
  async (t) => {
    const server = await startSocketIo(quiet);
    t.onTestFinished(server.close);
    const run = async (lesson: Lesson, ...args: string[]) => {
      const script = runScript(t, `check/${lesson}.ts`, {}, { args });
      const code = await script.exitCode();
      return { code, lines: script.out.lines.filter(Boolean) };
    };
    const [tcp, socketio, namespaces, delivery, help] = await Promise.all([
      run("tcp", "--port", "forty"),
      run("socketio", "--port", String(server.port)),
      run("namespaces", "--url", `http://localhost:${server.port}`), // the first pass: no /home
      run("delivery", "--port", String(server.port)), // at most once: nothing kept, nothing dropped
      run("namespaces", "--help"),
    ]);
    t.expect(help.code).toBe(0);
    t.expect(help.lines[0]).toMatch(/^usage: npm run check:namespaces -- --port 3000/);
    t.expect(help.lines.at(-1)).toMatch(/^Checks the namespaces lesson's/); // a line each, as written
    t.expect(tcp).toEqual({
      code: 2,
      lines: ['--port takes a number from 1 to 65535, not "forty"'],
    });
    t.expect(socketio.lines.at(-1)).toBe("5 passed, 0 failed");
    t.expect(socketio.code).toBe(0);
    const failed = namespaces.lines.filter((line) => line.startsWith("✗"));
    t.expect(failed).toHaveLength(4);
    for (const line of failed) {
      t.expect(line).toContain('expected a connection to /home, got "Invalid namespace"');
      t.expect(line).toContain('Hint: create it, io.of("/home"), or pass --home');
    }
    t.expect(namespaces.lines.at(-1)).toBe("0 passed, 4 failed");
    t.expect(
      delivery.lines.filter((line) => line.startsWith("✗ ")).map((l) => l.split(":")[0]),
    ).toEqual([
      "✗ a client back from a dropped connection gets what it missed, once, in order",
      "✗ a record that comes twice, a retry, is passed on once",
    ]);
    t.expect(delivery.lines.at(-1)).toBe("2 passed, 2 failed");
    t.expect(delivery.code).toBe(1);
    t.expect(namespaces.code).toBe(1);
  },
);

// A test a lesson, and a test a broken server: a change to one checker runs only its own tests
test.concurrent.for(LESSONS)("the %s lesson's own server passes every check", async (lesson, t) => {
  const server = await lessonServer(t, lesson);
  const { code, lines } = await check(lesson, server.port);
  t.expect(lines).toEqual(PASSING[lesson]);
  t.expect(code, lesson).toBe(0);
  await t.expect.poll(() => connections(server), WAIT).toBe(0); // its probe too
});

// A proxy that passes HTTP on to the port, and refuses an upgrade to WebSocket: polling alone gets
// through, as where a proxy or a tunnel knows nothing of WebSocket.
async function httpOnlyProxy(t: Context, port: number) {
  const proxy = createServer((request, response) => {
    const { method, url: path, headers } = request;
    const upstream = httpRequest(
      { host: "127.0.0.1", port, method, path, headers, agent: false },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on("error", () => response.destroy());
    request.pipe(upstream);
  });
  proxy.on("upgrade", (_request, socket) => socket.destroy());
  proxy.listen(0, "127.0.0.1");
  await waitFor(proxy, "listening");
  t.onTestFinished(() => {
    proxy.closeAllConnections(); // kept alive for the next request: none will come
    return new Promise<void>((done) => proxy.close(() => done()));
  });
  return portOf(proxy);
}

test.concurrent.for(["socketio", "namespaces", "delivery"] as const)(
  "the %s lesson's own server behind a proxy that passes no WebSocket passes every check",
  async (lesson, t) => {
    const server = await lessonServer(t, lesson);
    const { code, lines } = await check(lesson, await httpOnlyProxy(t, server.port));
    t.expect(lines).toEqual([
      "WebSocket did not get through (websocket error): the checks connect by HTTP polling first",
      ...PASSING[lesson],
    ]);
    t.expect(code, lesson).toBe(0);
    await t.expect.poll(() => connections(server), WAIT).toBe(0); // its probes too
  },
);

// TCP is a stream: what a client reads need not end at a line's end, and a line may end in \r\n.
// And a server need not close its side when a client closes its own: the checker lets go of such
// a client a second later. Nor need it answer an unknown event: the checker then floods a client
// that stops reading with events passed on, and says so first. A line that is not UTF-8 may cost
// its client the connection instead of an answer. A refusal may say no in either way, and a
// class's records with ids next to a checker's, or its ids as text, are not its own.
test.concurrent.for([
  ["TCP", "whose lines end in \\r\\n and come in pieces", "tcp-server crlf-in-pieces"],
  ["TCP", "that leaves a client's connection half open", "tcp-server keeps-one-half-open"],
  ["TCP", "that answers no unknown event", "tcp-server ignores-unknown"],
  ["TCP", "that drops a client for a line that is not UTF-8", "tcp-server drops-bad-utf8"],
  ["TCP", "that greets each client with a line like an HTTP status", "tcp-server greets-like-http"],
  [
    "Socket.IO",
    "that refuses null with { ok: false } alone",
    "socketio-server refuses-null-quietly",
  ],
  ["Socket.IO", "that refuses null with { error } alone", "socketio-server refuses-null-in-words"],
  ["Socket.IO", "whose class speaks next to a check", "socketio-server speaks-at-the-edges"],
])("a %s server %s passes every check", async ([, , server], t) => {
  const lesson = server.startsWith("tcp") ? "tcp" : "socketio";
  const started = await broken(t, server);
  const { code, lines } = await check(lesson, started.port);
  if (server.endsWith("speaks-at-the-edges")) {
    const { edgesSent } = started as Awaited<ReturnType<typeof startBrokenSocketIo>>;
    t.expect(edgesSent(), "records next to the checker's").toBeGreaterThan(0);
  }
  t.expect(lines).toEqual([
    ...(server.endsWith("ignores-unknown") ? [FLOOD] : []),
    ...PASSING[lesson],
  ]);
  t.expect(code).toBe(0);
});

// The class: terminals that speak every 50 ms, in each namespace in the very words that a checker
// uses, and a logger that hears all the TCP server passes on.
type Class = { talk: () => void; heard?: () => string[] };
const theClass: Record<Lesson, (t: Context, port: number) => Promise<Class>> = {
  tcp: async (t, port) => {
    const nc = await tcpClient(t, port);
    const bystander = await tcpClient(t, port);
    let n = 0;
    return { talk: () => nc.send(`create {"id":${++n}}\n`), heard: () => bystander.heard.lines };
  },
  socketio: async (t, port) => {
    const app = await ioClient(t, port);
    let n = 0;
    return { talk: () => app.socket.emit("speak", { id: ++n, change: "created" }) };
  },
  namespaces: async (t, port) => {
    const clients = await Promise.all(
      ["/", "/home", "/school"].map((nsp) => ioClient(t, port, nsp)),
    );
    const talk = () => {
      for (const { socket } of clients)
        for (const words of ["in core", "at home", "at school"]) socket.emit("speak", words);
      clients[2].socket.emit("lesson", "for the room");
    };
    return { talk };
  },
  delivery: async (t, port) => {
    const app = await ioClient(t, port);
    let n = 0;
    const at = "2026-01-01T00:00:00Z";
    return { talk: () => app.socket.emit("speak", { id: ++n, change: "created", at }) };
  },
};

test.concurrent.for(LESSONS)(
  "the %s checker judges only what it sent, on a server that a class is using",
  async (lesson, t) => {
    const { port } = await lessonServer(t, lesson);
    const { talk, heard } = await theClass[lesson](t, port);
    const talking = setInterval(talk, 50);
    t.onTestFinished(() => clearInterval(talking));
    // and a second student who checks the same server at the same time
    const runs = await Promise.all([check(lesson, port), check(lesson, port)]);
    if (heard) {
      const flood = "the flood for a client that stops reading, its own";
      t.expect(heard().join("\n").length, flood).toBeLessThan(256 * 1024);
    }
    for (const { code, lines } of runs) {
      t.expect(lines.at(-1), `${lesson}:\n${lines.join("\n")}`).toMatch(/^\d+ passed, 0 failed$/);
      t.expect(code, lesson).toBe(0);
    }
  },
);

// The server (a file of test/broken/, and what to pass it), and the only check it must fail, as
// the checker says it: what it expected, what came instead, and the hint. A check that hears
// nothing at all waits out its --wait: for those, 5 s.
const WAITS_OUT = /no-line-limit|pool-of-two|no-ack|refuses-silently/;
const SHORT_WAIT_S = Math.min(5, WAIT_S);
const FAULTS = {
  "tcp-server passes-everything":
    'an unrecognised event (read) reaches no one: expected no "read {"check":"2","run":"RUN"}", got ["read {\\"check\\":\\"2\\",\\"run\\":\\"RUN\\"}","create {\\"check\\":\\"2 after\\",\\"run\\":\\"RUN\\"}"]. Hint: pass on only create, update, delete',
  "tcp-server forgets-leavers":
    'after a client leaves, events still reach the rest: expected "update {"check":"3 1","run":"RUN"}", got nothing, then a disconnect. Hint: remove a client from the pool when it closes, and handle its errors',
  "tcp-server no-line-limit":
    "an endless line is answered, or its client dropped, within 1 MiB: expected an answer or a disconnect, got nothing. Hint: limit a line's length (the lesson's limit: 64 KiB), answer, disconnect",
  "tcp-server passes-bad-utf8":
    'a line that is not UTF-8 is passed on to no one, and stops no one: expected no line with the bad bytes, got ["create \ufffd\ufffd {\\"check\\":\\"7\\",\\"run\\":\\"RUN\\"}","update {\\"check\\":\\"7 after\\",\\"run\\":\\"RUN\\"}"]. Hint: refuse it: answer its sender, or drop it, and pass it on to no one',
  "tcp-server keeps-slow-readers":
    "a client that stops reading is dropped before 16 MiB wait for it: expected a disconnect, got none after 16 MiB. Hint: drop a client once 1 MiB waits for it, on every write to it: answers too",
  "tcp-server no-line-buffer":
    'two lines in one write are two events, and a line written in pieces is one: expected "delete {"check":"4c","run":"RUN"}", got ["create {\\"check\\":\\"4a\\",\\"run\\":\\"RUN\\"}","update {\\"check\\":\\"4b\\",\\"run\\":\\"RUN\\"}","delete {\\"check\\":\\"4 after\\",\\"run\\":\\"RUN\\"}"]. Hint: keep an unfinished line until its \\n arrives',
  "tcp-server refuses-cr":
    'a line may end in \\r\\n, as nc and telnet send it: expected "create {"check":"5","run":"RUN"}", got ["update {\\"check\\":\\"5 after\\",\\"run\\":\\"RUN\\"}"]. Hint: drop a \\r before the \\n, or "create" ends in \\r: no event you know',
  "tcp-server pool-of-two":
    'a recognised event (create) reaches every client, the sender included: expected "create {"check":"1","run":"RUN"}", got nothing. Hint: send each event to every socket in the pool',
  "tcp-server long-line-ends-all":
    'an endless line is answered, or its client dropped, within 1 MiB: expected "delete {"check":"6 after","run":"RUN"}", got ["error line too long"], then a disconnect. Hint: the other clients must still be served',
  "tcp-server slow-reader-ends-all":
    'a client that stops reading is dropped before 16 MiB wait for it: expected "delete {"check":"8 after","run":"RUN"}", got ["create {\\"check\\":\\"8 probe\\",\\"run\\":\\"RUN\\"}"], then a disconnect. Hint: the other clients must still be served',
  "socketio-server sender-only":
    'speak becomes message to every client, the sender included: expected a message with {"id":ID,"change":"created"}, got ["check ID: sentinel 1"]. Hint: io.emit("message", …), not socket.emit',
  "socketio-server others-only":
    'speak becomes message to every client, the sender included: expected a message with {"id":ID,"change":"created"}, got ["check ID: sentinel 1"]. Hint: io.emit("message", …), not socket.broadcast.emit',
  "socketio-server replays-to-newcomers":
    'a client that joins later gets only what follows: expected ["check ID: after"], got [{"id":ID,"change":"created"},{"id":ID,"change":"updated","at":"TIME"},"check ID: plain","check ID: before","check ID: after"]. Hint: replay nothing',
  "socketio-server replays-the-last":
    'a client that joins later gets only what follows: expected ["check ID: after"], got ["check ID: before","check ID: after"]. Hint: replay nothing',
  "socketio-server passes-null-to-others":
    'a bad payload is refused with an answer to its sender, and passed on to no one: expected no message with null, got [null,"check ID: after null"]. Hint: refuse it: pass it on to no one',
  "socketio-server drops-unknown-fields":
    'the payload arrives as sent, object or text: expected [{"id":ID,"change":"updated","at":"TIME"},"check ID: plain"], got [{"id":ID,"change":"updated"},"check ID: plain"]. Hint: do not change what you pass on',
  "socketio-server no-ack": `an acknowledgement comes back: expected an acknowledgement, got none in ${SHORT_WAIT_S} s. Hint: call the callback, the last argument: ack({ ok: true })`,
  "socketio-server accepts-null":
    'a bad payload is refused with an answer to its sender, and passed on to no one: expected an answer like { ok: false, error }, got {"ok":true}. Hint: check what a speak carries, and say what is wrong',
  "socketio-server answers-null-in-text":
    'a bad payload is refused with an answer to its sender, and passed on to no one: expected an answer like { ok: false, error }, got "nothing". Hint: check what a speak carries, and say what is wrong',
  "socketio-server refuses-silently":
    "a bad payload is refused with an answer to its sender, and passed on to no one: expected an answer like { ok: false, error }, got no answer. Hint: check what a speak carries, and say what is wrong",
  "socketio-server leaks-from-core":
    'what is said in / reaches / and stays in /: expected no "message "check RUN: in core"" at /home, got ["message \\"check RUN: in core\\"","message \\"check RUN: sentinel /\\""]. Hint: emit on the namespace, not io-wide',
  "socketio-server leaks-from-home":
    'what is said in /home reaches /home and stays in /home: expected no "message "check RUN: at home"" at /, got ["message \\"check RUN: at home\\""]. Hint: emit on the namespace, not io-wide',
  "socketio-server leaks-from-school":
    '/school reaches every socket of /school, in the room or not: expected no "message "check RUN: at school"" at /, got ["message \\"check RUN: at school\\""]. Hint: emit on the namespace, not io-wide',
  "socketio-server ignores-rooms":
    'lesson reaches the codefellows room\'s members only: expected no "lesson "check RUN: for the room"" at /school, got ["lesson \\"check RUN: joined\\"","lesson \\"check RUN: for the room\\""]. Hint: to("codefellows"): the room only',
  "delivery-server forgets-sessions":
    'a client back from a dropped connection gets what it missed, once, in order: expected ["check ID: before","check ID: while away 1","check ID: while away 2","check ID: after"], got ["check ID: before","check ID: after"]. Hint: new Server(…, { connectionStateRecovery: {} }); and io.emit("message", …) with no acknowledgement callback, or it is not kept',
  "delivery-server passes-duplicates":
    'a record that comes twice, a retry, is passed on once: expected [{"id":ID,"change":"created","at":"TIME"},"check ID: after the retry"], got [{"id":ID,"change":"created","at":"TIME"},{"id":ID,"change":"created","at":"TIME"},"check ID: after the retry"]. Hint: remember the records passed on, by id and time, and pass a second on to no one',
  "delivery-server replays-the-last":
    'a client that joins later gets only what follows: expected ["check ID: after"], got ["check ID: before","check ID: after"]. Hint: replay only to a client that comes back with its session',
};
// Those that wait out a check last: a mutation run, a test at a time, stops at the first test that
// fails, and a mutant that any other would find is found before a wait.
const byWait = ([server]: [string, string]) => Number(WAITS_OUT.test(server));
test.concurrent.for(Object.entries(FAULTS).sort((a, b) => byWait(a) - byWait(b)))(
  "broken %s fails the check that names its fault, and no other",
  async ([server, fault], t) => {
    const lesson = server.startsWith("tcp")
      ? "tcp"
      : server.startsWith("delivery")
        ? "delivery"
        : /rooms$|leaks-from/.test(server)
          ? "namespaces"
          : "socketio";
    // a client that misses a message is told so at once, by a sentinel, and a client that stops
    // reading once the server has read the whole flood: not at the end of a wait, here a long one
    const atOnce = /-only$|no-line-buffer|keeps-slow-readers/.test(server);
    const wait = WAITS_OUT.test(server) ? SHORT_WAIT_S : atOnce ? 3 * WAIT_S : WAIT_S;
    const port = (await broken(t, server)).port;
    const started = Date.now();
    const { code, failed, lines } = await check(lesson, port, wait);
    const name = fault.split(": ")[0];
    t.expect(failed, `${server}:\n${lines.join("\n")}`).toEqual([name]);
    const passing = PASSING[lesson];
    t.expect(lines).toEqual([
      ...(server.endsWith("passes-everything") ? [FLOOD] : []),
      ...passing.slice(0, -1).map((line) => (line === `✓ ${name}` ? `✗ ${fault}` : line)),
      `${passing.filter((line) => line.startsWith("✓")).length - 1} passed, 1 failed`,
    ]);
    t.expect(code, server).toBe(1);
    if (atOnce) t.expect(Date.now() - started, server).toBeLessThan(wait * 1000);
  },
);

// A TCP server that takes no more clients after the first check: one refuses them, and each
// later check says so; one drops each as it connects, and each later check fails with what it
// waited for and its own hint. Neither waits: a client gone hears nothing.
test.concurrent(
  "a TCP server that takes no more clients fails each check after, and says why",
  async (t) => {
    const servers = ["tcp-server stops-listening", "tcp-server drops-newcomers"];
    const [refused, dropped] = await checkEach(t, "tcp", servers);
    // each check after the first: what it waited for, and its hint
    const waitedFor = [
      ["create", "2 after", "pass on the events you recognise"],
      ["update", "3 1", "remove a client from the pool when it closes, and handle its errors"],
      ["create", "4a", "TCP is a stream: split what you read at each \\n"],
      ["create", "5", 'drop a \\r before the \\n, or "create" ends in \\r: no event you know'],
      ["delete", "6 after", "the other clients must still be served"],
      ["update", "7 after", "refuse it: answer its sender, or drop it, and pass it on to no one"],
      ["create", "8 probe", "pass on the events you recognise"],
    ];
    const after = PASSING.tcp.filter((line) => line.startsWith("✓ ")).slice(1);
    const failing = (why: (i: number) => string) => [
      ...PASSING.tcp.slice(0, 2),
      ...after.slice(0, 2).map((line, i) => `✗ ${line.slice(2)}: ${why(i)}`),
      PASSING.tcp[4],
      ...after.slice(2).map((line, i) => `✗ ${line.slice(2)}: ${why(i + 2)}`),
      "1 passed, 7 failed",
    ];
    t.expect(refused.lines).toEqual(
      failing(() => "expected a connection, got ECONNREFUSED. Hint: does the server still run?"),
    );
    t.expect(dropped.lines).toEqual(
      failing((i) => {
        const [event, what, hint] = waitedFor[i];
        const expected = `"${event} {"check":"${what}","run":"RUN"}"`;
        return `expected ${expected}, got nothing, then a disconnect. Hint: ${hint}`;
      }),
    );
    for (const { code } of [refused, dropped]) t.expect(code).toBe(1);
  },
);

// A Socket.IO server that takes no client after the checker's probe: each check says so. One that
// drops each client after the first check's as it connects: each later check fails at once with
// what it waited for, and the drop.
test.concurrent(
  "a Socket.IO server that takes no more clients fails each check after, and says why",
  async (t) => {
    const servers = ["socketio-server core-takes-one", "socketio-server drops-newcomers"];
    const [refused, dropped] = await checkEach(t, "socketio", servers);
    const names = PASSING.socketio.filter((line) => line.startsWith("✓ ")).map((l) => l.slice(2));
    const full = 'expected a connection, got "full". Hint: does the server still run?';
    t.expect(refused.lines.filter((line) => line.startsWith("✗ "))).toEqual(
      names.map((name) => `✗ ${name}: ${full}`),
    );
    const gone = "a disconnect (io server disconnect)";
    const [pass, passAsIs] = [
      "pass on what came in speak",
      "pass on what came in speak, as it came",
    ];
    t.expect(dropped.lines.filter((line) => line.startsWith("✗ "))).toEqual([
      `✗ ${names[1]}: expected a message with "check ID: plain", got nothing, then ${gone}. Hint: ${passAsIs}`,
      `✗ ${names[2]}: expected a message with "check ID: before", got nothing, then ${gone}. Hint: ${pass}`,
      `✗ ${names[3]}: expected an answer like { ok: false, error }, got ${gone}. Hint: check what a speak carries, and say what is wrong`,
      `✗ ${names[4]}: expected an acknowledgement, got ${gone}. Hint: call the callback, the last argument: ack({ ok: true })`,
    ]);
    t.expect(dropped.lines.at(-1)).toBe("1 passed, 4 failed");
    for (const { code } of [refused, dropped]) t.expect(code).toBe(1);
  },
);

// A class's lines are no answer to the checker's: a fault is found while a class uses the server.
test.concurrent("a TCP server's fault is found while a class uses it", async (t) => {
  const { port } = await broken(t, "tcp-server no-line-limit");
  const talking = setInterval((await theClass.tcp(t, port)).talk, 50);
  t.onTestFinished(() => clearInterval(talking));
  const { code, failed, lines } = await check("tcp", port, SHORT_WAIT_S);
  const fault = FAULTS["tcp-server no-line-limit"];
  t.expect(failed).toEqual([fault.split(": ")[0]]);
  t.expect(lines).toContain(`✗ ${fault}`);
  t.expect(code).toBe(1);
});

test.concurrent(
  "the namespaces checker names a namespace it cannot reach, a join refused or ignored, and the flag to pass",
  async (t) => {
    const [first, lesson, full, ignoring, ...refusing] = await Promise.all([
      lessonServer(t, "socketio"), // the first pass: no /home
      lessonServer(t, "namespaces"),
      broken(t, "socketio-server core-takes-one"), // the checker's first client, and no other
      broken(t, "socketio-server ignores-join"),
      broken(t, "socketio-server refuses-join"), // and two other ways to say no
      broken(t, "socketio-server refuses-join-quietly"),
      broken(t, "socketio-server refuses-join-in-words"),
    ]);
    const runs = await Promise.all([
      check("namespaces", first.port),
      check("namespaces", lesson.port, WAIT_S, "--school", "/college"),
      check("namespaces", full.port),
      check("namespaces", ignoring.port, 1), // each check waits out its second
      ...refusing.map(({ port }) => check("namespaces", port)),
    ]);
    const fails = (why: string, school = "/school") => [
      "the who-sees-what table",
      ...PASSING.namespaces
        .slice(1, -1)
        .map((line) => `✗ ${line.slice(2).replaceAll("/school", school)}: ${why}`),
      "0 passed, 4 failed",
    ];
    const missing = (namespace: string, flag: string) =>
      `expected a connection to ${namespace}, got "Invalid namespace". Hint: create it, ` +
      `io.of("${namespace}"), or pass ${flag} with your namespace's name`;
    t.expect(runs[0].lines).toEqual(fails(missing("/home", "--home")));
    t.expect(runs[1].lines).toEqual(fails(missing("/college", "--school"), "/college"));
    const refused = (answer: object) =>
      `expected join "codefellows" accepted, got ${JSON.stringify(answer)}. Hint: let a ` +
      "socket join codefellows, or pass --room with your room's name";
    const gone = 'expected a connection to /, got "full". Hint: does the server still run?';
    t.expect(runs[2].lines).toEqual(fails(gone));
    const ignored =
      'expected "lesson "check RUN: joined"" at /school in codefellows, got nothing. Hint: ' +
      "socket.join(room) on join, then lesson to the room's members";
    t.expect(runs[3].lines).toEqual(fails(ignored));
    t.expect(runs[4].lines).toEqual(fails(refused({ ok: false, error: "no such room" })));
    t.expect(runs[5].lines).toEqual(fails(refused({ ok: false })));
    t.expect(runs[6].lines).toEqual(fails(refused({ error: "no such room" })));
    for (const { code } of runs) t.expect(code).toBe(1);
  },
);

test.concurrent(
  "a server that never answers join costs the checks no wait, and any answer but a refusal will do",
  async (t) => {
    const silent = await broken(t, "socketio-server no-join-ack");
    const yes = await broken(t, "socketio-server accepts-join-with-true");
    const lesson = await startNamespaces(quiet); // it answers every join
    t.onTestFinished(lesson.close);
    const timed = async (port: number) => {
      const started = Date.now();
      const { code, lines } = await check("namespaces", port, SHORT_WAIT_S);
      return { code, last: lines.at(-1), ms: Date.now() - started };
    };
    const [unanswered, answered, accepted] = await Promise.all([
      timed(silent.port),
      timed(lesson.port),
      check("namespaces", yes.port),
    ]);
    t.expect(unanswered).toMatchObject({ code: 0, last: "4 passed, 0 failed" });
    t.expect(accepted.lines).toEqual(PASSING.namespaces);
    const waited = "four checks that each awaited an answer to join would take 12 s more";
    t.expect(unanswered.ms - answered.ms, waited).toBeLessThan(6000);
  },
);

test.concurrent("each check's clients are closed before the next check starts", async (t) => {
  const [socketio, namespaces] = await Promise.all([
    lessonServer(t, "socketio"),
    lessonServer(t, "namespaces"),
  ]);
  const most = { tcp: 0, socketio: 0, namespaces: 0 };
  for (const lesson of ["socketio", "namespaces"] as const) {
    const { engine } = { socketio, namespaces }[lesson].io;
    engine.on("connection", () => (most[lesson] = Math.max(most[lesson], engine.clientsCount)));
  }
  const pool = recorder("pool");
  const tcp = await startBrokenTcp("none", pool.line); // it prints its pool's size at each connect
  t.onTestFinished(tcp.close);
  await Promise.all([
    check("tcp", tcp.port),
    check("socketio", socketio.port),
    check("namespaces", namespaces.port),
  ]);
  const pools = pool.lines.map((line) => Number(/^(\d+) in the pool/.exec(line)?.[1] ?? 0));
  most.tcp = Math.max(...pools);
  // a check holds three clients at most, or five connections for the namespaces, and two of the
  // check before may still be on their way out as the next check's arrive
  t.expect(most.tcp).toBeLessThanOrEqual(5);
  t.expect(most.socketio).toBeLessThanOrEqual(5);
  t.expect(most.namespaces).toBeLessThanOrEqual(7);
});

// Where no client hears the first speak, the first check says why it may be: the server's events
// have other names than the checker's (it says which it used, and the flags that change them), or
// its messages carry what was said in a shape the checker does not know. A second for each wait.
test.concurrent(
  "where no client hears the first speak, the Socket.IO checker says what it used, or what came",
  async (t) => {
    const { port } = await lessonServer(t, "socketio");
    const reshaped = await socketIoServer(t, (socket, next) => {
      socket.on("speak", (said) => socket.nsp.emit("message", { from: socket.id, said }));
      next();
    });
    const [named, shaped] = await Promise.all([
      check("socketio", port, 1, "--speak", "talk"),
      check("socketio", reshaped, 1),
    ]);
    const first = (speak: string, hint: string) =>
      `✗ ${speak} becomes message to every client, the sender included: expected a message at ` +
      `any client, got nothing. Hint: ${hint}`;
    t.expect(named.lines[1]).toBe(
      first(
        "talk",
        'socket.on("talk", …), then io.emit("message", …); named otherwise? pass ' +
          "--speak and --message",
      ),
    );
    t.expect(shaped.lines[1]).toBe(
      first(
        "speak",
        "a message came, but not with what was said: pass it on as it came, or " + "as { speech }",
      ),
    );
    t.expect([named.code, shaped.code]).toEqual([1, 1]);
  },
);

// A delivery server whose speaker never hears itself fails each check that needs the sender's
// own message, the first named for it; with nothing to wait for but a second each.
test.concurrent(
  "a delivery server that skips the sender fails the checks that need it to hear itself",
  async (t) => {
    const { port } = await broken(t, "delivery-server skips-the-sender");
    const { code, failed, lines } = await check("delivery", port, 1);
    t.expect(failed).toEqual([
      "speak becomes message to every client, the sender included",
      "a client back from a dropped connection gets what it missed, once, in order",
      "a client that joins later gets only what follows",
    ]);
    t.expect(lines[1]).toBe(
      '✗ speak becomes message to every client, the sender included: expected a message with "check ID: to all", got nothing. Hint: io.emit("message", …) on each speak: every client, the sender included',
    );
    t.expect([lines.at(-1), code]).toEqual(["1 passed, 3 failed", 1]);
  },
);
