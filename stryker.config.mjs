// @ts-check
// npm run test:mutation: Stryker changes the lesson scripts, classroom/ and the checkers (check/)
// one small way at a time (a mutant) and runs the tests that cover the change; a mutant no test
// notices "survives".
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "test/mutation/vitest.config.ts" },
  plugins: [
    "@stryker-mutator/vitest-runner",
    "./test/mutation/ignore-main-guard.mjs",
    "./test/mutation/marked.mjs",
  ],
  ignorers: ["main-guard", "marked"],
  mutate: [
    "classroom/*.ts",
    "tcp-demo/*.ts",
    "socketio-demo/*.ts",
    "socketio-namespaces/*.ts",
    // scripts that only ever run as processes of their own, held end to end, in a terminal:
    "!socketio-namespaces/cluster.ts", // child processes, a server for each
    "!classroom/watch.ts", // the checks before tsx watch, then tsx watch itself
    "check/*.ts",
  ],
  coverageAnalysis: "perTest",
  // A mutant in code that runs once, as a module loads (a constant, a table of texts), would need the
  // whole suite run again for each: a quarter of the mutants, three quarters of the time. Left out.
  ignoreStatic: true,
  // Six runners on two cores: each runs a test at a time, and the tests mostly wait on sockets.
  // Measured on check/socketio.ts (202 mutants): 5 min 19 s with four, 4 min 35 s with six.
  concurrency: 6,
  timeoutMS: 5000, // beyond what a mutant's tests took unmutated: a mutant that hangs is found in seconds
  // TypeScript 7 has no compiler API for Stryker to rewrite a tsconfig: point it at none, and leave
  // the type checks to npm test
  tsconfigFile: "stryker-reads-no-tsconfig.json",
  disableTypeChecks: true,
  reporters: ["clear-text", "progress", "json"],
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  thresholds: { high: 95, low: 90, break: 90 },
  tempDirName: "stryker-tmp", // not a dot folder: tsx watch, which some tests run, ignores those
};
