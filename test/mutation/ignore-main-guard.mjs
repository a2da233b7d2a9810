// @ts-check
// Stryker mutates code only to see whether a test notices. The main guard of each lesson script
// (`if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) { ... }`) runs only when a
// terminal starts the script, which the end-to-end tests do in a child process, where no mutant is
// switched on: its mutants could never be killed, so they are not made. The same holds for what the
// guard calls in classroom/terminal.ts to read the command line, print, exit and catch Ctrl-C, and
// in check/report.ts to end a checker with its exit code.
import { declareValuePlugin, PluginKind } from "@stryker-mutator/api/plugin";

const TERMINAL_ONLY = new Set([
  "networkAddresses",
  "settings",
  "runClient",
  "runServer",
  "stopOnSignal",
  "fail",
  "log",
  "cli", // check/report.ts: a checker's exit code, and its one line
]);
const REASON = "runs only in a terminal's own process, held by the end-to-end tests";

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, "main-guard", {
    // path is Babel's NodePath, whose types Stryker does not ship
    shouldIgnore(/** @type {any} */ path) {
      if (path.isFunctionDeclaration() && TERMINAL_ONLY.has(path.node.id?.name)) return REASON;
      if (!path.isIfStatement()) return undefined;
      const test = path.get("test");
      const isGuard =
        test.isBinaryExpression({ operator: "===" }) &&
        test.get("left").matchesPattern("import.meta.url");
      return isGuard ? REASON : undefined;
    },
  }),
];
