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

const { result } = concurrently(
  [server, ...clients].map((script, i) => ({
    name: script.split(":")[1].replace(/-logger$/, ""), // tcp:app is [app], home-logger [home]
    command: `${EXEC}${scripts[script]}`,
    env,
    prefixColor: COLORS[i % COLORS.length],
  })),
  { killOthersOn: ["failure", "success"] },
);
await result.catch(() => process.exit(1));
