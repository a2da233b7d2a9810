import { defineConfig } from "vitest/config";
import { tags } from "./vitest.config.ts";

// npm run test:browser: headless Chromium against the real servers, kept out of npm test so it needs no browser.
export default defineConfig({
  test: {
    include: ["test/browser.test.ts"],
    tags,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    globalSetup: ["./test/compiled.ts"], // the scripts that tests start, without tsx's loader
  },
});
