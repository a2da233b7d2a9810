// What the four checkers share: settings from flags, one line per behaviour (✓, or ✗ with what
// was expected, what came instead and a hint), "N passed, M failed" last, and the exit code: 0 when
// all pass, 1 when one fails, 2 with one line for a bad flag or when nothing answers there.
import { printable } from "../classroom/terminal.ts";
import { connect } from "node:net";
import { isDeepStrictEqual, parseArgs, type ParseArgsConfig } from "node:util";
import { io, type ManagerOptions, type Socket, type SocketOptions } from "socket.io-client";

export type Print = (line: string) => void;

export class Failed extends Error {
  constructor(expected: string, got: string, hint: string) {
    super(`expected ${expected}, got ${got}. Hint: ${hint}`);
  }
}

// Ends a checker with one line: its usage (exit 0), or what to do instead (exit 2).
export class Stop extends Error {
  readonly code: number;
  constructor(line: string, code = 2) {
    super(line);
    this.code = code;
  }
}

// A behaviour holds, or the check fails with what it expected, what came instead, and a hint.
export function must(holds: boolean, expected: string, got: string, hint: string) {
  if (!holds) throw new Failed(expected, got, hint);
}

export function flags<O extends NonNullable<ParseArgsConfig["options"]>>(
  usage: string,
  options: O,
  args: string[],
) {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...options, help: { type: "boolean" } } });
  } catch (error) {
    // its first sentence: some of Node's messages go on over more lines, with advice for code
    throw new Stop(`${(error as Error).message.split(/\.(\s|$)/)[0]}. ${usage.split("\n")[0]}`);
  }
  if ((parsed.values as { help?: boolean }).help) throw new Stop(usage, 0);
  return parsed.values;
}

// --wait: how long each check waits for an answer before it says none came. More than the
// default helps on a slow class network, or a laptop busy with much else.
export const WAIT = { type: "string", default: "5" } as const;
export const WAIT_USAGE = "[--wait 5, the seconds to wait for each answer]";

export function waitOf(text: string) {
  const seconds = Number(text);
  if (/^\d+(\.\d+)?$/.test(text) && seconds >= 1 && seconds <= 600) return seconds * 1000;
  throw new Stop(`--wait takes a number of seconds from 1 to 600, not ${JSON.stringify(text)}`);
}

export function portOf(text: string) {
  const port = Number(text);
  if (/^\d+$/.test(text) && port >= 1 && port <= 65535) return port;
  throw new Stop(`--port takes a number from 1 to 65535, not ${JSON.stringify(text)}`);
}

// --url, or --port and --host, as check:tcp takes them.
export function urlOf({ url, port, host }: { url?: string; port?: string; host?: string }) {
  if (url !== undefined && (port !== undefined || host !== undefined))
    throw new Stop("give --url, or --port and --host, not both");
  if (url === undefined) {
    const name = host?.includes(":") ? `[${host}]` : (host ?? "localhost"); // an IPv6 address
    return `http://${name}:${port === undefined ? 3000 : portOf(port)}`;
  }
  if (!/^https?:\/\//.test(url) || !URL.canParse(url))
    throw new Stop(`--url takes a URL like http://localhost:3000, not ${url}`);
  return url.replace(/\/$/, "");
}

// What a message carried: the speech in it, or the whole payload of a server that sends it bare.
export const speechIn = (payload: unknown) =>
  payload && typeof payload === "object" && "speech" in payload ? payload.speech : payload;

// Resolves once the socket is connected, or fails with what the server said instead.
export const connected = (socket: Socket) =>
  new Promise<void>((done, fail) =>
    socket.once("connect", done).once("connect_error", ({ message }) => {
      fail(new Failed("a connection", `"${message}"`, "does the server still run?"));
    }),
  );

export function disconnectAll(open: Set<{ disconnect: () => unknown }>) {
  for (const socket of open) socket.disconnect();
  open.clear();
}

// What a checker prints: a server's words among them, shown as text, escape codes and all.
export const printed = (text: string) => {
  for (const line of text.split("\n")) console.log(printable(line));
};

// The command line: a checker's result is the exit code, and a Stop is one line.
export async function cli(check: () => Promise<number>) {
  try {
    process.exit(await check());
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    const say = error.code === 0 ? console.log : console.error;
    // the usage a line at a time; a mistake in one line, whatever it quotes
    const lines = error.code === 0 ? error.message.split("\n") : [error.message];
    for (const line of lines) say(printable(line));
    process.exit(error.code);
  }
}

type Check = { group: string; name: string; run: () => Promise<void> };

// Runs every check, each bounded by twice the wait for one answer (10 s at least), in the order
// given, the `last` ones at the end (a check that may stop a broken server must not take the others
// with it), closing each one's clients before the next starts; prints them in the declared order.
// A check that throws a Stop (no server of the lesson's kind there) ends the run with its line.
export async function runChecks(
  checks: Check[],
  {
    print,
    closeClients,
    last = [],
    wait,
  }: { print: Print; closeClients: () => unknown; last?: string[]; wait: number },
) {
  const results = new Map<Check, string>();
  const order = [
    ...checks.filter((c) => !last.includes(c.name)),
    ...checks.filter((c) => last.includes(c.name)),
  ];
  for (const check of order) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      const bound = Math.max(10_000, 2 * wait);
      const within = `nothing within ${bound / 1000} s`;
      const why = new Failed("an answer", within, "does the server still run?");
      timer = setTimeout(() => reject(why), bound);
    });
    try {
      await Promise.race([check.run(), timeout]);
      results.set(check, `✓ ${check.name}`);
    } catch (error) {
      if (error instanceof Stop) throw error; // no server of the lesson's kind: nothing to judge
      results.set(check, `✗ ${check.name}: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
      await closeClients();
    }
  }
  let group = "";
  for (const check of checks) {
    if (check.group !== group) print(`\n${(group = check.group)}`);
    print(results.get(check) ?? "");
  }
  const failed = [...results.values()].filter((line) => line.startsWith("✗")).length;
  print(`\n${checks.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

type Is<T> = (item: T) => boolean;

// What one client has heard, in order. until() waits for an item, and fails at once when the
// sentinel comes first (anything sent before it would have come first) or the connection ends.
export class Heard<T> {
  readonly items: T[] = [];
  ended = "";
  private readonly waiters = new Set<() => void>();

  constructor(private readonly waitMs: number) {}

  add(item: T) {
    this.items.push(item);
    for (const wake of this.waiters) wake();
  }

  end(why: string) {
    this.ended ||= why;
    for (const wake of this.waiters) wake();
  }

  until(want: T, expected: string, hint: string, sentinel?: T) {
    const is = (wanted: T) => (item: T) => isDeepStrictEqual(item, wanted);
    return this.wait(is(want), expected, hint, sentinel === undefined ? undefined : is(sentinel));
  }

  // Resolves on the first item, or the end of the connection: an answer of any kind.
  async answer(expected: string, hint: string) {
    await this.wait(() => true, expected, hint).catch((error: Error) => {
      if (!this.ended) throw error;
    });
  }

  private wait(want: Is<T>, expected: string, hint: string, sentinel?: Is<T>) {
    return new Promise<T[]>((resolve, reject) => {
      let seen = 0; // the items looked at: a flood of them costs each wait once, not every time
      const wake = (late = false) => {
        for (; seen < this.items.length; seen++) {
          if (want(this.items[seen])) return stop(() => resolve(this.items.slice(0, seen + 1)));
          if (sentinel?.(this.items[seen])) break;
        }
        if (seen < this.items.length || this.ended || late)
          stop(() => reject(new Failed(expected, this.got(), hint)));
      };
      const stop = (settle: () => void) => {
        this.waiters.delete(wake);
        clearTimeout(timer);
        settle();
      };
      const timer = setTimeout(() => wake(true), this.waitMs); // a bound, not a pace
      this.waiters.add(wake);
      wake();
    });
  }

  // The last few items, each cut short.
  got() {
    const cut = (item: T) => JSON.stringify(item)?.replace(/^(.{80}).+(.)$/, "$1…$2");
    const shown = this.items.length ? `[${this.items.slice(-3).map(cut).join(",")}]` : "nothing";
    return this.ended ? `${shown}, then ${this.ended}` : shown;
  }
}

// How a checker's clients connect: each on its own, never again once dropped, and over WebSocket
// from the start: a run opens dozens, and polling first, then upgrading, costs each one three
// times the CPU and the time.
const WEBSOCKET = {
  forceNew: true,
  reconnection: false,
  transports: ["websocket"],
} satisfies Partial<ManagerOptions & SocketOptions>;

// The options a checker's clients connect with: WebSocket, or, where only HTTP polling gets
// through (a proxy that passes no upgrade, a server that allows polling alone), polling first, as
// a browser starts, and it says so. Throws a Stop with what is wrong when no client gets in. Each
// probe waits up to the wait.
export async function reachSocketIo(url: string, wait: number, print: Print) {
  const pollingFirst = { ...WEBSOCKET, transports: ["polling", "websocket"] };
  const ws = await probe(url, WEBSOCKET, wait);
  if (!ws) return WEBSOCKET;
  const [polling, tcp] = await Promise.all([
    probe(url, pollingFirst, wait),
    listens(...hostAndPort(url), wait),
  ]);
  if (!polling) {
    print(`WebSocket did not get through (${ws.why}): the checks connect by HTTP polling first`);
    return pollingFirst;
  }
  if (polling.answered)
    throw new Stop(
      `the Socket.IO server at ${url} does not let the checker in (${polling.why}): a middleware ` +
        "(io.use) must call next() for every client",
    );
  const where = "pass --port and --host, or --url";
  if (tcp === "open")
    throw new Stop(
      `something listens at ${url}, but no Socket.IO server answers there (${ws.why}): is that ` +
        `your Socket.IO server's port? If not, ${where}`,
    );
  throw new Stop(`nothing answers Socket.IO at ${url} (${tcp}): start your server, or ${where}`);
}

// A client that connects and leaves. Resolves with nothing once it got in, or with why not, and
// whether a Socket.IO server answered the handshake: then a middleware kept the client out.
async function probe(url: string, options: Partial<ManagerOptions & SocketOptions>, wait: number) {
  const socket = io(url, { ...options, timeout: wait }); // the handshake's bound
  let admitting: NodeJS.Timeout | undefined; // the handshake answered: the wait to be let in
  try {
    return await new Promise<{ why: string; answered: boolean } | void>((done) => {
      const no = (why: string) => done({ why, answered: admitting !== undefined });
      socket.once("connect", done).once("connect_error", ({ message }) => no(message));
      socket.io.once("open", () => {
        admitting = setTimeout(() => no(`not let in after ${wait / 1000} s`), wait);
      });
    });
  } finally {
    clearTimeout(admitting);
    socket.disconnect();
  }
}

// Where a URL points: its host (an IPv6 address without its brackets), and its port or its
// protocol's
function hostAndPort(url: string) {
  const { hostname, port, protocol } = new URL(url);
  const host = hostname.replace(/^\[(.*)\]$/, "$1");
  return [host, Number(port) || (protocol === "https:" ? 443 : 80)] as const;
}

// Whether anything accepts a TCP connection at the host and port within the wait: "open", or why
// not (ECONNREFUSED).
export function listens(host: string, port: number, wait: number) {
  const socket = connect({ host, port, signal: AbortSignal.timeout(wait) });
  return new Promise<string>((done) =>
    socket
      .once("connect", () => done("open"))
      .once("error", ({ code }: NodeJS.ErrnoException) =>
        done(code === "ABORT_ERR" ? `no answer in ${wait / 1000} s` : String(code)),
      ),
  ).finally(() => socket.destroy());
}
