// npm run check:namespaces -- --port 3000 [--host H] (or --url U): holds any server to the
// namespaces lesson's who-sees-what table, both ways, over the wire. It judges only what it said
// itself, each text marked with this run's id, so it holds on a server that a class is using.
import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import { io, Manager, type Socket } from "socket.io-client";
import {
  cli,
  disconnectAll,
  Failed,
  flags,
  WAIT,
  WAIT_USAGE,
  waitOf,
  Heard,
  reachSocketIo,
  runChecks,
  speechIn,
  Stop,
  urlOf,
  printed,
} from "./report.ts";
import type { Print } from "./report.ts";

const USAGE = `usage: npm run check:namespaces -- --port 3000 [--host localhost]
  [--url http://localhost:3000, instead of --port and --host]
  [--home /home] [--school /school] [--room codefellows] [--join join] [--lesson lesson]
  [--speak speak] [--message message] ${WAIT_USAGE}
Checks the namespaces lesson's who-sees-what table against any Socket.IO server.`;

export type NamespacesSettings = ReturnType<typeof namespacesSettings>;

export function namespacesSettings(args: string[]) {
  const { url, port, host, ...o } = flags(
    USAGE,
    {
      url: { type: "string" },
      port: { type: "string" },
      host: { type: "string" },
      home: { type: "string", default: "/home" },
      school: { type: "string", default: "/school" },
      room: { type: "string", default: "codefellows" },
      join: { type: "string", default: "join" },
      lesson: { type: "string", default: "lesson" },
      speak: { type: "string", default: "speak" },
      message: { type: "string", default: "message" },
      wait: WAIT,
    },
    args,
  );
  for (const [name, namespace] of Object.entries({ home: o.home, school: o.school })) {
    if (!/^\/\S+$/.test(namespace) || o.home === o.school)
      throw new Stop(`--${name} takes a namespace of its own, like /${name}, not ${namespace}`);
  }
  return { url: urlOf({ url, port, host }), ...o, wait: waitOf(o.wait) };
}

export async function checkNamespaces(settings: NamespacesSettings, print: Print = printed) {
  const o = settings;
  const run = randomBytes(3).toString("hex");
  const text = (what: string) => `check ${run}: ${what}`;
  const line = (event: string, what: string) => `${event} ${JSON.stringify(text(what))}`;
  const open = new Set<Socket>();

  // Connected to its namespace, or failing with the namespace's name and what to do.
  const connected = (socket: Socket, namespace: string) =>
    new Promise<void>((done, fail) => {
      const flag = namespace === o.home ? "--home" : "--school";
      const hint = `create it, io.of("${namespace}"), or pass ${flag} with your namespace's name`;
      socket.once("connect", done).once("connect_error", (error) => {
        const why = `"${error.message}"`;
        const still = "does the server still run?";
        fail(new Failed(`a connection to ${namespace}`, why, namespace === "/" ? still : hint));
      });
    });

  // A logger: its own connection to one namespace, keeping each event of this run that it hears,
  // as "event speech".
  async function logger(namespace: string) {
    const socket = io(`${o.url}${namespace}`, connecting);
    open.add(socket);
    await connected(socket, namespace);
    const heard = new Heard<string>(o.wait);
    socket.onAny((event: string, payload: unknown) => {
      const said = `${event} ${JSON.stringify(speechIn(payload))}`;
      if (said.includes(run)) heard.add(said);
    });
    socket.on("disconnect", (why) => heard.end(`a disconnect (${why})`));
    return { namespace, name: namespace, socket, heard };
  }

  // A logger in the room. No waiting for an answer to join, which a server need not give: it is
  // in once the server says so, or once its own lesson to the room comes back to it.
  async function member() {
    const l = { ...(await logger(o.school)), name: `${o.school} in ${o.room}` };
    const joined = new Promise<void>((done, fail) =>
      l.socket.emit(o.join, o.room, (answer: unknown) => {
        if (!refused(answer)) return done();
        const hint = `let a socket join ${o.room}, or pass --room with your room's name`;
        fail(new Failed(`${o.join} "${o.room}" accepted`, JSON.stringify(answer), hint));
      }),
    );
    l.socket.emit(o.lesson, text("joined"));
    const back = line(o.lesson, "joined");
    const hint = `socket.join(room) on ${o.join}, then ${o.lesson} to the room's members`;
    await Promise.race([joined, l.heard.until(back, `"${back}" at ${l.name}`, hint)]);
    return l;
  }

  // One speaker for every namespace over one connection, so that the server handles what it says
  // in order: a sentinel said last in each namespace arrives after anything wrongly sent before it.
  async function scene(say: (speaker: Record<string, Socket>) => void) {
    const loggers = [
      await logger("/"),
      await logger(o.home),
      await logger(o.school),
      await member(),
    ];
    const manager = new Manager(o.url, connecting);
    const namespaces = ["/", o.home, o.school];
    const speaker = Object.fromEntries(namespaces.map((nsp) => [nsp, manager.socket(nsp)]));
    for (const socket of Object.values(speaker)) open.add(socket);
    await Promise.all(namespaces.map((nsp) => connected(speaker[nsp], nsp)));
    say(speaker);
    for (const nsp of namespaces) speaker[nsp].emit(o.speak, text(`sentinel ${nsp}`));
    for (const l of loggers) {
      const sentinel = line(o.message, `sentinel ${l.namespace}`);
      const hint = `${o.speak} in any namespace: ${o.message} to all of that namespace`;
      const before = await l.heard.until(sentinel, `"${sentinel}" at ${l.name}`, hint);
      l.heard.items.splice(before.length - 1); // what came before the sentinel
    }
    const [core, home, school, inRoom] = loggers;
    return { core, home, school, member: inRoom };
  }

  type Logger = Awaited<ReturnType<typeof logger>>;
  const expectSeen = (l: Logger, what: string, seen: boolean, hint: string) => {
    if (l.heard.items.includes(what) !== seen)
      throw new Failed(`${seen ? "" : "no "}"${what}" at ${l.name}`, l.heard.got(), hint);
  };

  const connecting = await reachSocketIo(o.url, o.wait, print); // before the first client()
  const MATRIX = "the who-sees-what table";
  return runChecks(
    [
      {
        group: MATRIX,
        name: "what is said in / reaches / and stays in /",
        run: async () => {
          const l = await scene((s) => s["/"].emit(o.speak, text("in core")));
          const said = line(o.message, "in core");
          expectSeen(l.core, said, true, "nsp.emit: every socket of the namespace");
          for (const other of [l.home, l.school, l.member])
            expectSeen(other, said, false, "emit on the namespace, not io-wide");
        },
      },
      {
        group: MATRIX,
        name: `what is said in ${o.home} reaches ${o.home} and stays in ${o.home}`,
        run: async () => {
          const l = await scene((s) => s[o.home].emit(o.speak, text("at home")));
          const said = line(o.message, "at home");
          expectSeen(l.home, said, true, "nsp.emit: every socket of the namespace");
          for (const other of [l.core, l.school, l.member])
            expectSeen(other, said, false, "emit on the namespace, not io-wide");
        },
      },
      {
        group: MATRIX,
        name: `${o.school} reaches every socket of ${o.school}, in the room or not`,
        run: async () => {
          const l = await scene((s) => s[o.school].emit(o.speak, text("at school")));
          const said = line(o.message, "at school");
          for (const one of [l.school, l.member])
            expectSeen(one, said, true, "the whole namespace, rooms or not");
          for (const other of [l.core, l.home])
            expectSeen(other, said, false, "emit on the namespace, not io-wide");
        },
      },
      {
        group: MATRIX,
        name: `${o.lesson} reaches the ${o.room} room's members only`,
        run: async () => {
          const l = await scene((s) => s[o.school].emit(o.lesson, text("for the room")));
          const said = line(o.lesson, "for the room");
          const join = `nsp.to("${o.room}").emit(…) after socket.join on ${o.join}`;
          expectSeen(l.member, said, true, join);
          for (const other of [l.school, l.core, l.home])
            expectSeen(other, said, false, `to("${o.room}"): the room only`);
        },
      },
    ],
    {
      print,
      closeClients: () => disconnectAll(open),
      wait: o.wait,
    },
  );
}

const refused = (answer: unknown) =>
  typeof answer === "object" &&
  answer !== null &&
  ("error" in answer || ("ok" in answer && answer.ok === false));

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await cli(() => checkNamespaces(namespacesSettings(process.argv.slice(2))));
}
