import { defineConfig, mergeConfig } from "vitest/config";
import project from "../../vitest.config.ts";
import QuickestFirst from "./sequencer.ts";

// The tests as npm test runs them, less the one that reads the source as written: under Stryker the
// source is rewritten with every mutant in it. Each file gets its own modules, as when the mutation
// scores were measured: Stryker runs every file in one worker, one after the other. With a test at a
// time, the checkers' answers come in milliseconds: a 3 s wait (CHECK_WAIT, check.test.ts) is
// ample, and a mutant that makes a check wait for nothing costs 3 s, not 15.
export default mergeConfig(
  project,
  defineConfig({
    test: {
      exclude: ["test/layout.test.ts"],
      isolate: true,
      env: { CHECK_WAIT: "3" },
      sequence: { sequencer: QuickestFirst },
    },
  }),
);
