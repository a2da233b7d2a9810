// What every script of this lesson needs from its terminal: settings, time-stamped lines, a clean Ctrl-C.
import { networkInterfaces } from "node:os";

export const DEFAULT_PORT = 4000;

export function settings() {
  const { PORT, HOST } = process.env;
  const port = Number(PORT ?? DEFAULT_PORT);
  if (PORT?.trim() === "" || !Number.isInteger(port) || port < 0 || port > 65535) {
    fail(`PORT must be a whole number from 0 to 65535, not "${PORT}"`);
  }
  return { port, host: HOST || undefined };
}

export function log(line: string) {
  console.log(`${new Date().toTimeString().slice(0, 8)} ${line}`);
}

export function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

export function explainListenError(error: NodeJS.ErrnoException, port: number) {
  if (error.code === "EADDRINUSE") {
    return `port ${port} is busy: is a tcp:server already running? Stop it (Ctrl-C), or pick another: PORT=${port + 1} npm run tcp:server`;
  }
  if (error.code === "EADDRNOTAVAIL") return `HOST=${process.env.HOST} is not an address of this machine`;
  return `cannot listen on port ${port}: ${error.message}`;
}

export function stopOnSignal(close: () => Promise<void>) {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => void close().then(() => process.exit(0)));
  }
}

// The addresses other machines on this network can reach us on: what a class puts in HOST.
export function networkAddresses() {
  return Object.values(networkInterfaces()).flat().filter((a) => a && !a.internal && a.family === "IPv4").map((a) => a?.address);
}

export function listening(port: number, host: string | undefined, logger: string) {
  const others = host ? [host] : networkAddresses();
  const remote = others.length ? `, or from another machine: HOST=${others.join(" or ")} ${port === DEFAULT_PORT ? "" : `PORT=${port} `}npm run ${logger}` : "";
  return `listening on port ${port}: connect with ${port === DEFAULT_PORT ? "" : `PORT=${port} `}npm run ${logger}${remote}`;
}

// A line per event is the lesson, but past a few dozen a second the lines scroll by unread and slow the server down:
// then it prints one summary a second instead, until the flood is over.
export const LINES_PER_SECOND = 30;

export function commentary(print: (line: string) => void, clients: () => number) {
  let lines = 0;
  let events = 0;
  let dropped = 0;
  let summarising = false;
  const tick = setInterval(() => {
    if (summarising && lines > 0) print(`last second: ${events} events passed on, ${dropped} dropped, ${clients()} clients`);
    if (summarising && lines <= LINES_PER_SECOND) {
      summarising = false;
      print("the flood is over: one line per event again");
    }
    lines = events = dropped = 0;
  }, 1000);
  tick.unref();
  const say = (line: string) => {
    lines += 1;
    if (summarising) return;
    if (lines <= LINES_PER_SECOND) return print(line);
    summarising = true;
    print(`over ${LINES_PER_SECOND} lines a second: one summary a second instead`);
  };
  return {
    // what an event carried is only turned into text when the line is printed: a flood costs no formatting
    event: (label: string, data: unknown) => {
      events += 1;
      if (!summarising) say(`${label}: ${typeof data === "string" ? data : JSON.stringify(data)}`);
      else lines += 1;
    },
    dropped: (line: string) => (dropped += 1, say(line)),
    dropClient: (line: string) => (dropped += 1, lines += 1, print(line)), // a client thrown out is always worth a line
    note: say,
    stop: () => clearInterval(tick),
  };
}
