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
