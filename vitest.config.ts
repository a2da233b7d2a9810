import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    maxWorkers: 3, // the tests mostly wait on sockets and child processes: one file per lesson, all at once
  },
});
