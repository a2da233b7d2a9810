// What the three checkers share: settings from flags, one line per behaviour (✓, or ✗ with what
// was expected, what came instead and a hint), "N passed, M failed" last, and the exit code: 0 when
// all pass, 1 when one fails, 2 with one line when nothing listens there.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { io } from "socket.io-client";

export class Failed extends Error {
  constructor(expected: string, got: string, hint: string) {
    super(`expected ${expected}, got ${got}. Hint: ${hint}`);
  }
}

// A behaviour holds, or the check fails with what it expected, what came instead, and a hint.
export function must(holds: boolean, expected: string, got: string, hint: string) {
  if (!holds) throw new Failed(expected, got, hint);
}

export function flags<O extends NonNullable<ParseArgsConfig["options"]>>(
  usage: string,
  options: O,
) {
  try {
    const { values } = parseArgs({ options: { ...options, help: { type: "boolean" } } });
    if ((values as { help?: boolean }).help) {
      console.log(usage);
      process.exit(0);
    }
    return values;
  } catch (error) {
    return nothingThere(`${(error as Error).message.split(/\. /)[0]}. ${usage.split("\n")[0]}`);
  }
}

export function nothingThere(line: string): never {
  console.error(line);
  process.exit(2);
}

type Check = { group: string; name: string; run: () => Promise<void> };

// Runs every check, each bounded, in the order given, the `last` ones at the end (a check that may
// stop a broken server must not take the others with it); prints them in the declared order.
export async function runChecks(checks: Check[], last: string[] = [], ms = 5000) {
  const results = new Map<Check, string>();
  const order = [
    ...checks.filter((c) => !last.includes(c.name)),
    ...checks.filter((c) => last.includes(c.name)),
  ];
  for (const check of order) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Failed("an answer", `nothing within ${ms / 1000} s`, "does the server still run?"),
          ),
        ms,
      );
    });
    try {
      await Promise.race([check.run(), timeout]);
      results.set(check, `✓ ${check.name}`);
    } catch (error) {
      results.set(check, `✗ ${check.name}: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }
  let group = "";
  for (const check of checks) {
    if (check.group !== group) console.log(`\n${(group = check.group)}`);
    console.log(results.get(check));
  }
  const failed = [...results.values()].filter((line) => line.startsWith("✗")).length;
  console.log(`\n${checks.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

// The protocols have no word for "you are in the pool now": give a server a moment to take in the
// clients a check has just connected, before it speaks to them.
export const settle = () => new Promise((done) => setTimeout(done, 100));

// Exits with one line unless a Socket.IO server answers at the URL.
export async function answersSocketIo(url: string) {
  const probe = io(url, { forceNew: true, reconnection: false });
  await new Promise((done) =>
    probe
      .once("connect", () => done(null))
      .once("connect_error", (error) => {
        const start = "start your server, or pass --url";
        nothingThere(`nothing answers Socket.IO at ${url} (${error.message}): ${start}`);
      }),
  );
  probe.disconnect();
}
