import { expect, onTestFinished, test, vi } from "vitest";
import { hostname, networkInterfaces } from "node:os";
import { commentary } from "../classroom/commentary.ts";
import { adminRefusal, isLoopback, thisMachine } from "../classroom/who-may-connect.ts";
import { settings } from "../classroom/settings.ts";
import { recorder, runScript } from "./helpers.ts";

test("every setting is a flag and a variable, and the flag wins", () => {
  vi.stubEnv("PORT", "5000");
  vi.stubEnv("HOST", "from-the-variable");
  vi.stubEnv("ADMIN_UI", "off");
  onTestFinished(() => void vi.unstubAllEnvs());
  expect(settings("tcp:logger", [])).toEqual({ port: 5000, host: "from-the-variable" });
  expect(settings("tcp:logger", ["--host", "192.0.2.2", "--port", "4001"])).toEqual({
    port: 4001,
    host: "192.0.2.2",
  });
  const server = settings("namespaces:server", [
    "--admin-password",
    "x",
    "--redis-url",
    "redis://r",
  ]);
  expect(server).toMatchObject({
    port: 5000,
    adminUi: "off",
    adminPassword: "x",
    redisUrl: "redis://r",
  });
});

test("without flags or variables, a script takes its lesson's port", () => {
  vi.stubEnv("PORT", undefined);
  vi.stubEnv("HOST", "");
  onTestFinished(() => void vi.unstubAllEnvs());
  expect(settings("tcp:app", [])).toEqual({ port: 4000, host: undefined });
  expect(settings("socketio:logger", [])).toEqual({ port: 3000, host: undefined });
});

test("an unknown flag, a flag without its value or a bad value: one line, exit code 2", async () => {
  const cases = [
    [["--bogus"], "Unknown option '--bogus': see --help"],
    [["--port"], "Option '--port <value>' argument missing: see --help"],
    [["--port", "forty"], '--port must be a whole number from 0 to 65535, not "forty"'],
    [["--admin-password", "x"], "Unknown option '--admin-password': see --help"], // a logger takes none
  ] as const;
  for (const [args, line] of cases) {
    const run = runScript("tcp-demo/logger.ts", {}, { args: [...args] });
    expect(await run.exitCode()).toBe(2);
    expect(run.out.lines).toEqual([line]);
  }
  const server = runScript("socketio-demo/server.ts", {}, { args: ["--admin-ui", "maybe"] });
  expect(await server.exitCode()).toBe(2);
  expect(server.out.lines).toEqual(['--admin-ui is on or off, not "maybe"']);
});

test("--help says what the script does and every setting it reads, then exits 0", async () => {
  const run = runScript("socketio-namespaces/server.ts", {}, { args: ["--help"] });
  expect(await run.exitCode()).toBe(0);
  expect(run.out.lines[0]).toBe(
    "npm run namespaces:server: The namespaces lesson's server: /, /school with the codefellows room, and /home.",
  );
  const flags = run.out.lines.filter((line) => line.startsWith("  --")).map((l) => l.split(":")[0]);
  expect(flags).toEqual([
    "  --port, PORT",
    "  --host, HOST",
    "  --cors-origins, CORS_ORIGINS",
    "  --admin-ui, ADMIN_UI",
    "  --admin-password, ADMIN_PASSWORD",
    "  --redis-url, REDIS_URL",
  ]);
});

test("the flood summary counts a whole second, and says when the flood is over", async () => {
  vi.useFakeTimers();
  onTestFinished(() => void vi.useRealTimers());
  const log = recorder("commentary");
  const say = commentary(log.line, () => 7);
  onTestFinished(say.stop);
  for (let i = 1; i <= 40; i++) say.event(`create from abc123`, { id: i });
  say.dropped("abc123 sent unknown event");
  say.dropClient("def456 dropped: it stopped reading");
  expect(log.lines).toHaveLength(32); // 30 events, the switch, and the client thrown out
  expect(log.lines[30]).toBe("over 30 lines a second: one summary a second instead");
  expect(log.lines[31]).toBe("def456 dropped: it stopped reading");
  vi.advanceTimersByTime(1000);
  expect(log.lines.at(-1)).toBe("last second: 40 events passed on, 2 dropped, 7 clients");
  vi.advanceTimersByTime(1000);
  expect(log.lines.at(-1)).toBe("the flood is over: one line per event again");
  say.note("back to one line an event");
  expect(log.lines.at(-1)).toBe("back to one line an event");
});

test("a Host names this machine only when it is localhost, a loopback address, an address or name of it", () => {
  const ours = thisMachine("192.0.2.77");
  const addresses = Object.values(networkInterfaces()).flatMap((all) => all ?? []);
  const own = addresses.map((a) => (a.family === "IPv6" ? `[${a.address}]:3000` : a.address));
  const names = [
    "localhost:3000",
    "LOCALHOST",
    "127.0.0.1:3000",
    "127.0.0.2",
    "[::1]:3000",
    "[::1]",
  ];
  for (const name of [...names, `${hostname()}:3000`, "192.0.2.77:3000", ...own]) {
    expect(ours(name), name).toBe(true);
  }
  for (const name of [
    "evil.example:3000",
    "localhost.evil.example",
    "127.0.0.1.evil.example",
    "",
    undefined,
  ]) {
    expect(ours(name), String(name)).toBe(false);
  }
});

test("without a password the Admin UI answers a loopback peer only; with one, anyone who logs in", () => {
  for (const peer of ["127.0.0.1", "::1", "::ffff:127.0.0.1", "127.1.2.3"]) {
    expect(isLoopback(peer), peer).toBe(true);
    expect(adminRefusal(peer, undefined), peer).toBeUndefined();
  }
  for (const peer of ["192.0.2.5", "::ffff:192.0.2.5", "10.0.0.127", "fe80::1", undefined]) {
    expect(adminRefusal(peer, undefined), String(peer)).toMatch(
      /^From another machine the Admin UI needs a password: start the server with ADMIN_PASSWORD=… npm run /,
    );
    expect(adminRefusal(peer, "open sesame"), String(peer)).toBeUndefined();
  }
});
