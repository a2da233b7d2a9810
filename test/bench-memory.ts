// Loaded into every Node server the bench starts: on SIGUSR2, collect all garbage, then report resident memory.
process.on("SIGUSR2", () => {
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  console.log(`bench: rss ${rss}`);
  console.log(`bench: heap ${heapUsed}`); // after it: a reader of rss alone skips this line
});
