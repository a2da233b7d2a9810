// npm run <lesson>: the lesson in one terminal, each line labelled with the terminal it stands for;
// Ctrl-C stops them all. Each script runs its own npm script's command, without npm around it.
import { readFileSync } from "node:fs";
import concurrently from "concurrently";
import { settings } from "./terminal.ts";

const COLORS = ["blue", "green", "magenta", "yellow", "cyan", "red"];
const EXEC = process.platform === "win32" ? "" : "exec "; // no shell left waiting for each script
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

// The server first; the clients once it says it listens, so that none begins with "no server"
const run = (names: string[], from: number) =>
  concurrently(
    names.map((script, i) => ({
      name: script.split(":")[1].replace(/-logger$/, ""), // tcp:app is [app], home-logger [home]
      command: `${EXEC}${scripts[script]}`,
      env,
      prefixColor: COLORS[(from + i) % COLORS.length],
    })),
    { killOthersOn: ["failure", "success"] },
  );
const lesson = run([server], 0);
let others: ReturnType<typeof run> | undefined;
const listening = lesson.commands[0].stdout.subscribe((chunk) => {
  if (others || !/listening on port/.test(chunk.toString())) return;
  others = run(clients, 1);
  others.result.catch(() => {}).finally(() => lesson.commands[0].kill()); // one ends, all end
});
await lesson.result.catch(() => (process.exitCode = 1));
listening.unsubscribe();
for (const command of others?.commands ?? []) command.kill();
await others?.result.catch(() => {});
