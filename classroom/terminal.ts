// What every lesson script needs from its terminal: time-stamped lines, one-line failures, a clean
// Ctrl-C, and the first line of a server, which says how to reach it.
import { networkInterfaces } from "node:os";
import { SCRIPTS } from "./scripts.ts";
import { settings, type Settings } from "./settings.ts";

export type Print = (line: string) => void;

export function log(line: string) {
  console.log(`${new Date().toTimeString().slice(0, 8)} ${line}`);
}

export function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

export function stopOnSignal(close: () => unknown) {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, async () => {
      await close();
      process.exit(0);
    });
  }
}

// The addresses other machines on this network can reach us on: what a class puts in HOST.
export function networkAddresses() {
  const all = Object.values(networkInterfaces()).flat();
  return all.flatMap((a) => (a && !a.internal && a.family === "IPv4" ? [a.address] : []));
}

// A client's main: read its settings, start it, stop it on Ctrl-C.
export function runClient(start: (options: Settings) => { close: () => unknown }, script: string) {
  stopOnSignal(start(settings(script)).close);
}

interface Started {
  port: number;
  admin?: string;
  close: () => Promise<unknown>;
}

// A server's main: read its settings, start it, say how to reach it, stop it on Ctrl-C.
export async function runServer(start: (options: Settings) => Promise<Started>, script: string) {
  const options = settings(script);
  const { port: usual, logger, busy } = SCRIPTS[script];
  const server = await start(options).catch((error: NodeJS.ErrnoException) =>
    fail(explainListenError(error, options, script, busy)),
  );
  const port = server.port === usual ? "" : `PORT=${server.port} `;
  const others = options.host ? [options.host] : networkAddresses();
  const ui = server.admin ? `, Admin UI at http://localhost:${server.port}${server.admin}` : "";
  const remote = others.length
    ? `, or from another machine: HOST=${others.join(" or ")} ${port}npm run ${logger}`
    : "";
  log(`listening on port ${server.port}: connect with ${port}npm run ${logger}${ui}${remote}`);
  stopOnSignal(server.close);
}

function explainListenError(
  error: NodeJS.ErrnoException,
  { port, host }: Settings,
  script: string,
  busy?: string,
) {
  if (error.code === "EADDRINUSE") {
    const other = `PORT=${port + 1} npm run ${script}`;
    return `port ${port} is busy: ${busy} Stop it (Ctrl-C), or pick another: ${other}`;
  }
  if (error.code === "EADDRNOTAVAIL") return `HOST=${host} is not an address of this machine`;
  if (error.code === "NO_REDIS") return error.message;
  return `cannot listen on port ${port}: ${error.message}`;
}
