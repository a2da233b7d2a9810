// What every script of this lesson needs from its terminal: settings, time-stamped lines, a clean Ctrl-C.
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

export function stopOnSignal(close: () => Promise<void>) {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => void close().then(() => process.exit(0)));
  }
}
