// What every lesson script needs from its terminal: time-stamped lines, one-line failures, a clean
// Ctrl-C, and the first line of a server, which says how to reach it.
import { networkInterfaces } from "node:os";
import { npmRun, SCRIPTS } from "./scripts.ts";
import { readSettings, type Choices, type Settings } from "./settings.ts";

export type Print = (line: string) => void;

export const STOP_MS = 2000; // what a stopping server waits for, at most

// Every line goes out printable: what a client sent can hold escape codes that would clear or
// retitle the projected terminal, so control characters are shown as \x1b and the like; and a line
// a client made long (up to 64 KiB) would fill the screen, so it is cut short.
const LONGEST = 500;
export const log = (line: string) => console.log(stamped(line));

export function stamped(line: string) {
  const cut =
    line.length > LONGEST ? `${line.slice(0, LONGEST)}… (${line.length} characters)` : line;
  return `${new Date().toTimeString().slice(0, 8)} ${printable(cut)}`;
}

const CONTROL = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/g; // C0 but tab, DEL, C1
export const printable = (text: string) =>
  text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);

export function fail(message: string): never {
  console.error(printable(message));
  process.exit(2);
}

// Ctrl-C ends a script within two seconds, whatever its close() waits for, and without a trace.
export function stopOnSignal(close: () => unknown) {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, async () => {
      setTimeout(() => process.exit(0), STOP_MS).unref();
      try {
        await close();
      } catch (error) {
        fail(`could not close cleanly: ${(error as Error).message}`);
      }
      process.exit(0);
    });
  }
}

// The addresses other machines on this network can reach us on: what a class puts in HOST.
function networkAddresses() {
  const all = Object.values(networkInterfaces()).flat();
  return all.flatMap((a) => (a && !a.internal && a.family === "IPv4" ? [a.address] : []));
}

// A script's settings, as a terminal gives them: --help prints and exits, a mistake is one line.
export function settings(script: string, args = process.argv.slice(2), choices: Choices = {}) {
  try {
    const read = readSettings(script, args, process.env, choices);
    if (read.settings) return read.settings;
    console.log(read.help);
    return process.exit(0);
  } catch (error) {
    return fail((error as Error).message);
  }
}

// A client's main: read its settings, start it, stop it on Ctrl-C. TICK_MS is for the tests alone:
// an app then speaks at that pace instead of the lesson's, so that a test need not wait on it.
// Choices name the values a setting takes, when the client names them: a listening app's kinds.
export function runClient(
  start: (options: Settings & { every?: number }) => { close: () => unknown },
  script: string,
  choices: Choices = {},
) {
  const every = Number(process.env.TICK_MS) || undefined;
  stopOnSignal(start({ ...settings(script, process.argv.slice(2), choices), every }).close);
}

interface Started {
  port: number;
  admin?: string;
  close: () => Promise<unknown>;
}

// A server's main: read its settings, start it, say how to reach it, stop it on Ctrl-C.
export async function runServer(start: (options: Settings) => Promise<Started>, script: string) {
  const options = settings(script);
  const server = await start(options).catch((error: NodeJS.ErrnoException) =>
    fail(explainListenError(error, options, script)),
  );
  log(listeningLine(script, server, options.host, networkAddresses()));
  stopOnSignal(server.close);
}

// A server's first line: how to connect to it, here and from another machine.
export function listeningLine(
  script: string,
  server: Started,
  host: string | undefined,
  addresses: string[],
) {
  const logger = SCRIPTS[script].logger ?? script;
  const { port } = server;
  const others = host ? [host] : addresses;
  const ui = server.admin ? `, Admin UI at http://localhost:${port}${server.admin}` : "";
  const remote = others.length
    ? `, or from another machine: ${npmRun(logger, { port, host: others.join(" or ") })}`
    : "";
  return `listening on port ${port}: connect with ${npmRun(logger, { port })}${ui}${remote}`;
}

// Why a server could not listen, in one line that says what to do.
export function explainListenError(
  error: NodeJS.ErrnoException,
  { port, host }: Settings,
  script: string,
) {
  if (error.code === "EADDRINUSE") {
    const [busy, other] = [SCRIPTS[script].busy, npmRun(script, { port: port + 1, host })];
    return `port ${port} is busy: ${busy} Stop it (Ctrl-C), or pick another: ${other}`;
  }
  if (error.code === "EADDRNOTAVAIL") return `--host ${host} is not an address of this machine`;
  if (error.code === "NO_REDIS") return error.message;
  return `cannot listen on port ${port}: ${error.message}`;
}
