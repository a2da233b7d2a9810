// The namespaces lesson's clients as the tests drive them, and the visibility matrix they must show.
import { expect } from "vitest";
import { startApp } from "../socketio-namespaces/app.ts";
import { startLogger as startCodefellowsLogger } from "../socketio-namespaces/codefellows-logger.ts";
import { startLogger as startHomeLogger } from "../socketio-namespaces/home-logger.ts";
import { startLogger as startCoreLogger } from "../socketio-namespaces/logger.ts";
import { startLogger as startSchoolLogger } from "../socketio-namespaces/school-logger.ts";
import { recorder, upTo, type Context } from "./helpers.ts";

const LOGGERS = {
  core: startCoreLogger,
  home: startHomeLogger,
  school: startSchoolLogger,
  codefellows: startCodefellowsLogger,
};
type Name = keyof typeof LOGGERS;

export async function loggers(t: Context, port: number) {
  const started = Object.fromEntries(
    Object.entries(LOGGERS).map(([name, start]) => {
      const heard = recorder(`${name} logger`);
      const logger = start({ port, print: heard.line });
      t.onTestFinished(logger.close);
      return [name, { ...logger, heard }];
    }),
  ) as Record<Name, ReturnType<typeof startCoreLogger> & { heard: ReturnType<typeof recorder> }>;
  await Promise.all(Object.values(started).map(({ heard }) => heard.until(/ welcome /)));
  await started.codefellows.heard.until(/^\/school joined room codefellows$/);
  return started;
}

export function app(t: Context, port: number) {
  const said = recorder("app");
  const started = startApp({ port, every: 5, print: said.line });
  t.onTestFinished(started.close);
  return { ...started, said };
}

// What a logger printed, less its connection story and its own welcome: the events it was sent.
export const events = (lines: string[]) => lines.filter((l) => /^\/\S* (message|lesson) /.test(l));

// Lets the app send into every namespace, ends with a sentinel in each, then compares each logger's whole list.
export async function expectEachSlice(
  sender: ReturnType<typeof app>,
  logs: Awaited<ReturnType<typeof loggers>>,
) {
  const { said, sockets } = sender;
  await said.until((lines) => lines.filter((l) => /^\/school lesson /.test(l)).length >= 3);
  // in turn: a speak into /, /school and /home, then a lesson for the room, and a receipt for each
  const turn = /^(?:dropped )?(\/\S* (?:speak|lesson)) /; // one dropped before it connected counts
  const turns = said.lines.flatMap((l) => turn.exec(l)?.[1] ?? []);
  expect(turns.slice(0, 8)).toEqual(
    Array(2).fill(["/ speak", "/school speak", "/home speak", "/school lesson"]).flat(),
  );
  await said.until(/^\/school lesson "lesson \d+: a room is a pool inside a namespace"$/);
  await said.until(/^\/school receipt for lesson: \{"ok":true,"heardBy":\d\}$/); // this server's only
  await said.until(/^\/home receipt for speak: \{"ok":true,"heardBy":\d\}$/);
  sockets["/"].emit("speak", "sentinel /");
  sockets["/home"].emit("speak", "sentinel /home");
  sockets["/school"].emit("speak", "sentinel /school");
  sockets["/school"].emit("lesson", "sentinel lesson"); // last on the shared connection: everything before it is handled
  const sent = [
    ...said.lines.filter((l) => /^\/\S* (speak|lesson) /.test(l)),
    '/ speak "sentinel /"',
    '/home speak "sentinel /home"',
    '/school speak "sentinel /school"',
    '/school lesson "sentinel lesson"',
  ];
  const expected = (namespace: string, withLessons: boolean) =>
    sent
      .filter(
        (l) =>
          l.startsWith(`${namespace} speak `) ||
          (withLessons && l.startsWith(`${namespace} lesson `)),
      )
      .map((l) => {
        const [, event, json] = /^\S+ (speak|lesson) (.*)$/.exec(l) ?? [];
        const id = {
          "/": sockets["/"].id,
          "/school": sockets["/school"].id,
          "/home": sockets["/home"].id,
        }[namespace];
        return `${namespace} ${event === "speak" ? "message" : "lesson"} from ${id}: ${json}`;
      });

  await logs.core.heard.until(/sentinel \/"$/);
  await logs.home.heard.until(/sentinel \/home"$/);
  await logs.school.heard.until(/sentinel \/school"$/);
  await logs.codefellows.heard.until(/sentinel lesson"$/);
  expect(events(upTo(logs.core.heard.lines, /sentinel \/"$/))).toEqual(expected("/", false));
  expect(events(upTo(logs.home.heard.lines, /sentinel \/home"$/))).toEqual(
    expected("/home", false),
  );
  expect(events(upTo(logs.school.heard.lines, /sentinel \/school"$/))).toEqual(
    expected("/school", false),
  );
  expect(events(upTo(logs.codefellows.heard.lines, /sentinel lesson"$/))).toEqual(
    expected("/school", true),
  );
  expect(
    expected("/school", true).filter((l) => l.startsWith("/school lesson")).length,
  ).toBeGreaterThanOrEqual(4);
  for (const { heard } of Object.values(logs)) {
    expect(heard.lines.filter((l) => / welcome /.test(l))).toHaveLength(1); // its own welcome, never another's
  }
}
