// @ts-check
// Stryker mutates code only to see whether a test notices. The main guard of each lesson script
// (`if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) { ... }`) runs only when a
// terminal starts the script, which the end-to-end tests do in a child process, where no mutant is
// switched on: its mutants could never be killed, so they are not made.
import { declareValuePlugin, PluginKind } from "@stryker-mutator/api/plugin";

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, "main-guard", {
    // path is Babel's NodePath, whose types Stryker does not ship
    shouldIgnore(/** @type {any} */ path) {
      if (!path.isIfStatement()) return undefined;
      const test = path.get("test");
      const isGuard =
        test.isBinaryExpression({ operator: "===" }) &&
        test.get("left").matchesPattern("import.meta.url");
      return isGuard
        ? "the main guard runs only in a terminal, never in the test process"
        : undefined;
    },
  }),
];
