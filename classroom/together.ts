// npm run <lesson>: the lesson in one terminal, each line labelled with the terminal it stands for;
// Ctrl-C stops them all. Each script runs its own npm script's command, without npm around it.
import { readFileSync } from "node:fs";
import concurrently from "concurrently";
import { settings, stamped } from "./terminal.ts";

const COLORS = ["blue", "green", "magenta", "yellow", "cyan", "red"];
const EXEC = process.platform === "win32" ? "" : "exec "; // no shell left waiting for each script
const { scripts } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

const args = process.argv.slice(2);
const isScript = (arg: string) => arg.split("=")[0] in scripts; // tcp:app, busy-listener=order
const [server, ...clients] = args.filter(isScript);
const here = clients.filter((name) => name.includes("=")); // in this process: see startHere
const elsewhere = clients.filter((name) => !here.includes(name));
// Read once here, a mistake is one line, not one per script; the settings reach every script as
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

// The busy store's listening apps, given as script=kind (socketio:busy-listener=order), run here,
// in this process, each with its own connection and label ([order-1], [order-2]), as its own
// terminal would show it: ten processes would each load tsx, 100 MB and half a CPU-second apiece.
const seen = new Map<string, number>();
async function startHere(name: string) {
  const [script, cares] = name.split("=");
  seen.set(cares, (seen.get(cares) ?? 0) + 1);
  const label = `[${cares}-${seen.get(cares)}]`;
  const file = scripts[script].split(" ").at(-1); // node --import tsx <file>
  const { startListener } = await import(new URL(`../${file}`, import.meta.url).href);
  const every = Number(process.env.TICK_MS) || undefined; // as runClient reads it
  const print = (line: string) => console.log(`${label} ${stamped(line)}`);
  return startListener({ ...given, cares, every, print }) as { close: () => void };
}

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
let apps: Promise<{ close: () => void }[]> | undefined;
const closeHere = async () => (await apps)?.forEach((app) => app.close());
// Ctrl-C closes them at once, before they could each say "lost the server"
for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, closeHere);
const listening = lesson.commands[0].stdout.subscribe((chunk) => {
  if (others || !/listening on port/.test(chunk.toString())) return;
  others = run(elsewhere, 1);
  apps = Promise.all(here.map(startHere));
  others.result.catch(() => {}).finally(() => lesson.commands[0].kill()); // one ends, all end
});
await lesson.result.catch(() => (process.exitCode = 1));
listening.unsubscribe();
for (const command of others?.commands ?? []) command.kill();
await others?.result.catch(() => {});
await closeHere();
