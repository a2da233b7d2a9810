// Loaded into every Node server the bench starts: on SIGUSR2, collect all garbage, then report resident memory.
process.on("SIGUSR2", () => {
  (globalThis as { gc?: () => void }).gc?.();
  console.log(`bench: rss ${process.memoryUsage().rss}`);
});
