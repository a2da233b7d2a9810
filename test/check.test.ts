// The checkers of "Build your own", checked: the lesson's own servers pass everything, and each small
// broken server in test/broken/ fails the one case that names its fault, and no other.
import { expect, onTestFinished, test } from "vitest";
import { startServer as startTcp } from "../tcp-demo/server.ts";
import { startServer as startSocketIo } from "../socketio-demo/server.ts";
import { startServer as startNamespaces } from "../socketio-namespaces/server.ts";
import { runScript } from "./helpers.ts";

async function check(lesson: string, port: number) {
  const args = lesson === "tcp" ? ["--port", String(port)] : ["--url", `http://localhost:${port}`];
  const run = runScript(`check/${lesson}.ts`, {}, { args });
  const code = await run.exitCode();
  const lines = run.out.lines.filter(Boolean);
  return {
    code,
    failed: lines.filter((l) => l.startsWith("✗ ")).map((l) => l.slice(2).split(": ")[0]),
    lines,
  };
}

async function broken(name: string) {
  const server = runScript(`test/broken/${name}.ts`);
  const [, port] =
    /listening on port (\d+)/.exec((await server.out.until(/^listening on port/)).join("\n")) ?? [];
  return Number(port);
}

const quiet = { port: 0, print: () => {} };

test("the lessons' own servers pass every check", async () => {
  for (const [lesson, start] of [
    ["tcp", startTcp],
    ["socketio", startSocketIo],
    ["namespaces", startNamespaces],
  ] as const) {
    const server = await start(quiet);
    onTestFinished(server.close);
    const { code, lines } = await check(lesson, server.port);
    expect(lines.at(-1), lesson).toMatch(/^\d+ passed, 0 failed$/);
    expect(code, lesson).toBe(0);
  }
});

test("each broken server fails the check that names its fault, and no other", async () => {
  const faults = [
    ["tcp", "tcp-passes-everything", "an unrecognised event (read) reaches no one"],
    ["tcp", "tcp-forgets-leavers", "after a client leaves, events still reach the rest"],
    [
      "socketio",
      "socketio-sender-only",
      "speak becomes message to every client, the sender included",
    ],
    [
      "namespaces",
      "namespaces-ignores-rooms",
      "lesson reaches the codefellows room's members only",
    ],
  ] as const;
  for (const [lesson, name, fault] of faults) {
    const { code, failed, lines } = await check(lesson, await broken(name));
    expect(failed, `${name}:\n${lines.join("\n")}`).toEqual([fault]);
    expect(code, name).toBe(1);
  }
});

test("with nothing listening, a checker says so in one line and exits with 2", async () => {
  const nothing = await startTcp(quiet);
  await nothing.close(); // a free port
  for (const lesson of ["tcp", "socketio", "namespaces"]) {
    const { code, lines } = await check(lesson, nothing.port);
    expect(lines, lesson).toHaveLength(1);
    expect(lines[0], lesson).toMatch(/^nothing (listens on|answers Socket\.IO at) /);
    expect(code, lesson).toBe(2);
  }
});
