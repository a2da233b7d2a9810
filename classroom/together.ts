// npm run <lesson>: the lesson in one terminal, each line labelled with the terminal it stands for;
// Ctrl-C stops them all. Each script runs its own npm script's command, without npm around it.
import { readFileSync } from "node:fs";
import type { Writable } from "node:stream";
import { pathToFileURL } from "node:url";
import concurrently from "concurrently";
import { settings } from "./terminal.ts";

const COLORS = ["blue", "green", "magenta", "yellow", "cyan", "red", "white"];
const EXEC = process.platform === "win32" ? "" : "exec "; // no shell left waiting for each script

export interface Terminal {
  name: string; // its label: [server]
  command: string;
  env?: Record<string, string>;
}

// The servers first; the clients once every server says it listens, so that none begins with
// "no server". One ends, all end. Resolves with the exit code for the whole terminal.
export async function together(servers: Terminal[], clients: Terminal[], output?: Writable) {
  const run = (terminals: Terminal[], from: number) =>
    concurrently(
      terminals.map(({ command, ...terminal }, i) => ({
        ...terminal,
        command: `${EXEC}${command}`,
        prefixColor: COLORS[(from + i) % COLORS.length],
      })),
      { killOthersOn: ["failure", "success"], outputStream: output },
    );
  const lesson = run(servers, 0);
  let others: ReturnType<typeof run> | undefined;
  const waiting = new Set(lesson.commands);
  const listening = lesson.commands.map((server) =>
    server.stdout.subscribe((chunk) => {
      if (others || !/listening on port/.test(chunk.toString())) return;
      waiting.delete(server);
      if (waiting.size > 0) return;
      others = run(clients, servers.length);
      others.result.catch(() => {}).finally(() => lesson.commands.forEach((s) => s.kill()));
    }),
  );
  const code = await lesson.result.then(
    () => 0,
    () => 1,
  );
  for (const subscription of listening) subscription.unsubscribe();
  for (const command of others?.commands ?? []) command.kill();
  await others?.result.catch(() => {});
  return code;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { scripts } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  const args = process.argv.slice(2);
  const [server, ...clients] = args.filter((arg) => arg in scripts);
  // Read once here, a mistake is one line, not one per script; the settings reach every script as
  // variables, which no shell needs quoted (a flag beats a variable, so no flag is passed)
  const given = settings(
    server,
    args.filter((arg) => !(arg in scripts)),
  );
  const env = Object.fromEntries(
    Object.entries(given).flatMap(([name, value]) =>
      value === undefined ? [] : [[name.replace(/[A-Z]/g, "_$&").toUpperCase(), String(value)]],
    ),
  );
  const terminal = (script: string) => ({
    name: script.split(":")[1].replace(/-logger$/, ""), // tcp:app is [app], home-logger [home]
    command: scripts[script],
    env,
  });
  process.exitCode = await together([terminal(server)], clients.map(terminal));
}
