// npm run <lesson>: the lesson in one terminal, each line labelled with the terminal it stands for;
// Ctrl-C stops them all. Each script runs its own npm script's command, without npm around it.
import { readFileSync } from "node:fs";
import concurrently from "concurrently";
import { settings } from "./terminal.ts";

const COLORS = ["blue", "green", "magenta", "yellow", "cyan", "red"];
const EXEC = process.platform === "win32" ? "" : "exec "; // no shell left waiting for each script
const { scripts } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

const args = process.argv.slice(2);
const flagsFrom = args.findIndex((arg) => arg.startsWith("-"));
const [server, ...clients] = flagsFrom === -1 ? args : args.slice(0, flagsFrom);
const flags = flagsFrom === -1 ? [] : args.slice(flagsFrom);
const { port, host } = settings(server, flags); // a mistake is one line here, not one per script
const where = [`--port ${port}`, host ? `--host ${quoted(host)}` : ""].join(" ");

const { result } = concurrently(
  [server, ...clients].map((script, i) => ({
    name: script.split(":")[1].replace(/-logger$/, ""), // tcp:app is [app], home-logger [home]
    command: `${EXEC}${scripts[script]} ${i === 0 ? flags.map(quoted).join(" ") : where}`,
    prefixColor: COLORS[i % COLORS.length],
  })),
  { killOthersOn: ["failure", "success"] },
);
await result.catch(() => process.exit(1));

function quoted(arg: string) {
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}
