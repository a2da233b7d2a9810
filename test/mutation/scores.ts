// After npm run test:mutation: each file's mutation score from Stryker's report, every mutant that
// survived, and every mark in marked.mjs that no longer matches the code. It fails on any of them,
// or on a file under 90% (Stryker's own threshold holds the total only).
import { readFileSync } from "node:fs";
import { MARKED } from "./marked.mjs";

type Mutant = {
  status: string;
  statusReason?: string;
  mutatorName: string;
  replacement?: string;
  location: { start: { line: number } };
};
const report = JSON.parse(readFileSync("reports/mutation/mutation.json", "utf8")) as {
  files: Record<string, { mutants: Mutant[] }>;
};
const DETECTED = ["Killed", "Timeout"];
const LEFT = ["Survived", "NoCoverage"];
const problems: string[] = [];
for (const [file, { mutants }] of Object.entries(report.files)) {
  const counted = mutants.filter((m) => [...DETECTED, ...LEFT].includes(m.status));
  if (counted.length === 0) continue;
  const score = (100 * counted.filter((m) => DETECTED.includes(m.status)).length) / counted.length;
  if (score < 90) problems.push(`${file} is under 90%`);
  console.log(`${score < 90 ? "✗" : "✓"} ${score.toFixed(1).padStart(5)}%  ${file}`);
  for (const m of mutants.filter((m) => LEFT.includes(m.status))) {
    const what = `${m.mutatorName} → ${JSON.stringify(m.replacement)}`;
    problems.push(`${file}:${m.location.start.line} ${m.status}: ${what}`);
  }
}
for (const { file, code, why } of MARKED) {
  const marked = report.files[file]?.mutants.some((m) => m.statusReason === why);
  if (report.files[file] && !marked) problems.push(`${file}: the mark on ${code} matches nothing`);
}
for (const problem of problems) console.log(problem);
console.log(problems.length ? `${problems.length} to see to` : "every mutant killed or marked");
process.exit(problems.length ? 1 : 0);
