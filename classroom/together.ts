// npm run <lesson>: the lesson in one terminal, each line labelled with the terminal it stands for;
// Ctrl-C stops them all. A server runs as its npm script runs it, under watch, in a process of its
// own; the clients run in this one, once every server says it listens, so that none begins with
// "no server": as processes, five clients would be five Nodes of about 90 MB each.
import { readFileSync } from "node:fs";
import type { Writable } from "node:stream";
import { pathToFileURL } from "node:url";
import { styleText } from "node:util";
import concurrently, { Logger, type Command } from "concurrently";
import type { Settings } from "./settings.ts";
import { settings, stamped, type Print } from "./terminal.ts";

const COLORS = ["blue", "green", "magenta", "yellow", "cyan", "red", "white"] as const;
const EXEC = process.platform === "win32" ? "" : "exec "; // no shell left waiting for each script
const SIGNALS = ["SIGINT", "SIGTERM"] as const;

export interface ServerTerminal {
  name: string; // its label: [server]
  command: string;
  env?: Record<string, string>;
}
type Start = (options: Settings & { every?: number; print: Print }) => { close: () => unknown };
export interface ClientTerminal {
  name: string;
  start: (print: Print) => { close: () => unknown };
}

// concurrently's line as a server's command ends ("[server] exec node … exited with code 0") is
// left out where it has nothing to add: after Ctrl-C (0; 130 or SIGINT as the server was starting),
// a mistake the server has said in one line of its own (2), or a SIGTERM from this terminal as
// another script ended
class Ends extends Logger {
  override logCommandEvent(text: string, command: Command) {
    if (!/ exited with code ([02]|130|SIGINT|SIGTERM)$/.test(text))
      super.logCommandEvent(text, command);
  }
}

// One ends, all end. Resolves with the exit code for the whole terminal.
export async function together(
  servers: ServerTerminal[],
  clients: ClientTerminal[],
  output: Writable = process.stdout,
) {
  const lesson = concurrently(
    servers.map(({ command, ...server }, i) => ({
      ...server,
      command: `${EXEC}${command}`,
      prefixColor: COLORS[i % COLORS.length],
    })),
    { killOthersOn: ["failure", "success"], outputStream: output, logger: new Ends({}) },
  );
  const started: { close: () => unknown }[] = [];
  const waiting = new Set(lesson.commands);
  const listening = lesson.commands.map((server) =>
    server.stdout.subscribe((chunk) => {
      if (!waiting.has(server) || !/listening on port/.test(chunk.toString())) return;
      waiting.delete(server);
      if (waiting.size > 0) return;
      for (const [i, { name, start }] of clients.entries()) {
        const label = styleText(COLORS[(servers.length + i) % COLORS.length], `[${name}]`);
        started.push(start((line) => output.write(`${label} ${stamped(line)}\n`)));
      }
    }),
  );
  // Ctrl-C reaches the servers from the terminal too: the clients close at once, ahead of
  // concurrently's signal to them, so that none says it lost its server (if no server is quicker)
  const closeClients = () => Promise.all(started.splice(0).map((client) => client.close()));
  for (const signal of SIGNALS) process.prependOnceListener(signal, closeClients);
  const code = await lesson.result.then(
    () => 0,
    () => 1,
  );
  for (const subscription of listening) subscription.unsubscribe();
  for (const signal of SIGNALS) process.off(signal, closeClients);
  await closeClients();
  return code;
}

// npm run tcp: together.ts tcp:server tcp:logger tcp:app, and the flags given to npm run
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { scripts } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  const args = process.argv.slice(2);
  const isScript = (arg: string) => arg.split("=")[0] in scripts; // tcp:app, busy-listener=order
  const [server, ...clients] = args.filter(isScript);
  // Read once here, a mistake is one line, not one per script; the settings reach the server as
  // variables, which no shell needs quoted (a flag beats a variable, so no flag is passed)
  const given = settings(
    server,
    args.filter((arg) => !isScript(arg)),
  );
  const env = Object.fromEntries(
    Object.entries(given).flatMap(([name, value]) =>
      value === undefined ? [] : [[name.replace(/[A-Z]/g, "_$&").toUpperCase(), String(value)]],
    ),
  );
  const every = Number(process.env.TICK_MS) || undefined; // for the tests alone, as in runClient
  // A listening app given as script=kind (socketio:busy-listener=order) cares about that kind, and
  // is labelled with it: [order-1], [order-2]
  const seen = new Map<string, number>();
  const client = async (arg: string): Promise<ClientTerminal> => {
    const [script, cares] = arg.split("=");
    if (cares) seen.set(cares, (seen.get(cares) ?? 0) + 1);
    const label = cares
      ? `${cares}-${seen.get(cares)}`
      : script.split(":")[1].replace(/-logger$/, ""); // tcp:app is [app], home-logger [home]
    const file = new URL(`../${scripts[script].split(" ").at(-1)}`, import.meta.url);
    const module: Record<string, Start> = await import(file.href);
    const [, start] = Object.entries(module).find(([name]) => name.startsWith("start")) ?? [];
    return {
      name: label,
      start: (print) => start?.({ ...given, cares, every, print }) ?? { close: () => {} },
    };
  };
  const terminal = (script: string) => ({ name: "server", command: scripts[script], env });
  process.exitCode = await together([terminal(server)], await Promise.all(clients.map(client)));
}
