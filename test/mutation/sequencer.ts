import { relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

// Stryker runs a mutant's tests, file after file, and stops at the first that fails. Vitest's own
// order runs the longest file first, which suits workers side by side, not a run that stops early:
// here the file that failed last comes first (it likely finds the next mutant of the same code),
// then the quickest, so that a mutant is mostly found before a slow file has started.
export default class QuickestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]) {
    const { cache, config } = this.ctx;
    const last = (file: TestSpecification) =>
      cache.getFileTestResults(`${file.project.name}:${relative(config.root, file.moduleId)}`);
    const rank = (file: TestSpecification) => {
      const result = last(file);
      return result ? (result.failed ? -1 : result.duration) : Infinity;
    };
    return [...files].sort((a, b) => rank(a) - rank(b));
  }
}
