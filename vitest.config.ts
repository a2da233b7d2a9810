import { defineConfig } from "vitest/config";

// npm run test:quick leaves these out: a test that starts a process must carry the tag (helpers.ts)
export const tags = [
  { name: "processes", description: "starts this repository's scripts, npm or tsx watch" },
];

export default defineConfig({
  test: {
    include: ["test/*.test.ts"],
    tags,
    exclude: ["test/browser.test.ts"], // npm run test:browser runs it, in Chromium
    testTimeout: 60_000, // a bound, not a pace: every wait inside a test has its own, shorter one
    hookTimeout: 30_000,
    reporters: ["default", "./test/slowest.ts"], // and where the time went
    globalSetup: ["./test/compiled.ts"], // the scripts that tests start, without tsx's loader
    isolate: false, // a worker imports vitest, socket.io and the rest once, for all its files
    maxWorkers: 3, // the tests mostly wait on sockets and child processes: one file per lesson, all at once
  },
});
