// After npm run test:mutation: each file's mutation score from Stryker's report, and a failure when
// one is under 90%. (Stryker's own threshold holds the total only.)
import { readFileSync } from "node:fs";

type Mutant = { status: string };
const report = JSON.parse(readFileSync("reports/mutation/mutation.json", "utf8")) as {
  files: Record<string, { mutants: Mutant[] }>;
};
const DETECTED = ["Killed", "Timeout"];
const COUNTED = [...DETECTED, "Survived", "NoCoverage"];
let low = 0;
for (const [file, { mutants }] of Object.entries(report.files)) {
  const counted = mutants.filter((m) => COUNTED.includes(m.status));
  if (counted.length === 0) continue;
  const score = (100 * counted.filter((m) => DETECTED.includes(m.status)).length) / counted.length;
  if (score < 90) low += 1;
  console.log(`${score < 90 ? "✗" : "✓"} ${score.toFixed(1).padStart(5)}%  ${file}`);
}
console.log(low ? `${low} files under 90%` : "every file at 90% or more");
process.exit(low ? 1 : 0);
