// A reporter that ends every run with where its time went: the slowest tests, and each file's time,
// so that the next test that slows the suite down is seen the day it comes in.
import type { Reporter, TestModule } from "vitest/node";

const SHOWN = 8;

export default class Slowest implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>) {
    const tests = modules.flatMap((module) =>
      [...module.children.allTests()].map((test) => ({
        file: module.moduleId.split("/").pop(),
        name: test.name,
        ms: test.diagnostic()?.duration ?? 0,
      })),
    );
    if (tests.length === 0) return;
    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`.padStart(7);
    console.log(`\nWhere the time went: the ${SHOWN} slowest tests`);
    for (const { file, name, ms } of tests.sort((a, b) => b.ms - a.ms).slice(0, SHOWN))
      console.log(`${seconds(ms)}  ${file}: ${name.slice(0, 80)}`);
    // a file's own time, not its tests' added up: tests that run at once overlap
    const files = modules.map((module) => ({
      file: module.moduleId.split("/").pop(),
      ms: module.diagnostic().duration,
    }));
    console.log("and each file, from its first test to its last:");
    for (const { file, ms } of files.sort((a, b) => b.ms - a.ms))
      console.log(`${seconds(ms)}  ${file}`);
  }
}
