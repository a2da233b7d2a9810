// What every script of this lesson needs from its terminal: settings, time-stamped lines, a clean Ctrl-C.
import { networkInterfaces } from "node:os";
import type { Socket } from "socket.io-client";

export const DEFAULT_PORT = 3000;
const DEFAULT_ORIGINS = "https://amritb.github.io,http://localhost:*,http://127.0.0.1:*";

export function settings() {
  const { PORT, HOST } = process.env;
  const port = Number(PORT ?? DEFAULT_PORT);
  if (PORT?.trim() === "" || !Number.isInteger(port) || port < 0 || port > 65535) {
    fail(`PORT must be a whole number from 0 to 65535, not "${PORT}"`);
  }
  return { port, host: HOST || undefined };
}

// CORS_ORIGINS: web pages allowed to connect, comma-separated, "*" for any part ("http://localhost:*") or any page.
export function originAllowed(list = process.env.CORS_ORIGINS ?? DEFAULT_ORIGINS) {
  const patterns = list.split(",").map((origin) => origin.trim()).filter(Boolean).map((origin) =>
    new RegExp(`^${origin.replace(/[.+?^${}()|[\]\\/]/g, "\\$&").replaceAll("*", "[\\w.:-]*")}$`));
  // No origin: not a browser. The server's own origin: a page it served itself, such as the Admin UI.
  return (origin: string | undefined, host?: string) =>
    origin === undefined || origin === `http://${host}` || patterns.some((pattern) => pattern.test(origin));
}

export function log(line: string) {
  console.log(`${new Date().toTimeString().slice(0, 8)} ${line}`);
}

export function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

export function stopOnSignal(close: () => Promise<unknown> | unknown) {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, async () => {
      await close();
      process.exit(0);
    });
  }
}

export function explainListenError(error: NodeJS.ErrnoException, port: number) {
  if (error.code === "EADDRINUSE") {
    return `port ${port} is busy: is a Socket.IO lesson's server running (socketio:server and namespaces:server both use 3000)? Stop it (Ctrl-C), or pick another: PORT=${port + 1} npm run namespaces:server`;
  }
  if (error.code === "NO_REDIS") return error.message;
  if (error.code === "EADDRNOTAVAIL") return `HOST=${process.env.HOST} is not an address of this machine`;
  return `cannot listen on port ${port}: ${error.message}`;
}

// Socket.IO reconnects by itself; we only say what it is doing, one line each time the story changes.
export function narrate(socket: Socket, where: string, print: (line: string) => void, server = "npm run namespaces:server") {
  let connectedBefore = false;
  let told = false;
  socket.on("connect", () => {
    print(`${connectedBefore ? "back: reconnected" : "connected"} to ${where} as ${socket.id}`);
    connectedBefore = true;
    told = false;
  });
  socket.on("disconnect", (reason) => {
    if (reason !== "io client disconnect") print(`lost the server at ${where} (${reason}): reconnecting`);
    told = true;
  });
  socket.on("connect_error", (error) => {
    if (error.message === "Invalid namespace") {
      print(`${where} has no such namespace: is it this lesson's server? Start it with ${server} (retrying)`);
      setTimeout(() => socket.connect(), 2000).unref();
    } else if (!told) {
      print(`no server at ${where}: start it with ${server} (retrying)`);
    }
    told = true;
  });
}

// The addresses other machines on this network can reach us on: what a class puts in HOST.
export function networkAddresses() {
  return Object.values(networkInterfaces()).flat().filter((a) => a && !a.internal && a.family === "IPv4").map((a) => a?.address);
}

export function listening(port: number, host: string | undefined, logger: string, admin?: string) {
  const others = host ? [host] : networkAddresses();
  const ui = admin ? `, Admin UI at http://localhost:${port}${admin}` : "";
  const remote = others.length ? `, or from another machine: HOST=${others.join(" or ")} ${port === DEFAULT_PORT ? "" : `PORT=${port} `}npm run ${logger}` : "";
  return `listening on port ${port}: connect with ${port === DEFAULT_PORT ? "" : `PORT=${port} `}npm run ${logger}${ui}${remote}`;
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
