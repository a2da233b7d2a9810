import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/*.test.ts"],
    exclude: ["test/browser.test.ts"], // npm run test:browser runs it, in Chromium
    maxWorkers: 3, // the tests mostly wait on sockets and child processes: one file per lesson, all at once
  },
});
