// Loaded into every Node server the bench starts: on SIGUSR2, collect all garbage, then report
// resident memory; on SIGWINCH, report the garbage collector's pauses since the last report.
import { PerformanceObserver } from "node:perf_hooks";

process.on("SIGUSR2", () => {
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  console.log(`bench: rss ${rss}`);
  console.log(`bench: heap ${heapUsed}`); // after it: a reader of rss alone skips this line
});

let pauses = { total: 0, longest: 0 }; // milliseconds
new PerformanceObserver((list) => {
  for (const { duration } of list.getEntries())
    pauses = { total: pauses.total + duration, longest: Math.max(pauses.longest, duration) };
}).observe({ entryTypes: ["gc"] });
process.on("SIGWINCH", () => {
  console.log(`bench: gc ${pauses.total} ${pauses.longest}`);
  pauses = { total: 0, longest: 0 };
});
