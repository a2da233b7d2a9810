// A reporter that ends every run with where its time went: the slowest tests, and each file's sum,
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
    const sums = new Map<string | undefined, number>();
    for (const { file, ms } of tests) sums.set(file, (sums.get(file) ?? 0) + ms);
    console.log("and each file, its tests' times added up:");
    for (const [file, ms] of [...sums].sort((a, b) => b[1] - a[1]))
      console.log(`${seconds(ms)}  ${file}`);
  }
}
