// npm run check:namespaces -- --url http://localhost:3000: holds any server to the namespaces
// lesson's who-sees-what table, both ways, over the wire.
import { io, Manager, type Socket } from "socket.io-client";
import { answersSocketIo, Failed, flags, runChecks, settle } from "./report.ts";

const USAGE = `usage: npm run check:namespaces -- --url http://localhost:3000
  [--home /home] [--school /school] [--room codefellows] [--join join] [--lesson lesson]
  [--speak speak] [--message message]
Checks the namespaces lesson's who-sees-what table against any Socket.IO server.`;
const o = flags(USAGE, {
  url: { type: "string", default: "http://localhost:3000" },
  home: { type: "string", default: "/home" },
  school: { type: "string", default: "/school" },
  room: { type: "string", default: "codefellows" },
  join: { type: "string", default: "join" },
  lesson: { type: "string", default: "lesson" },
  speak: { type: "string", default: "speak" },
  message: { type: "string", default: "message" },
});
const sockets = new Set<Socket>();
const said = (payload: unknown) =>
  JSON.stringify(
    payload && typeof payload === "object" && "speech" in payload ? payload.speech : payload,
  );

// A logger: its own connection to one namespace, keeping each event it hears as "event speech".
async function logger(namespace: string, room?: string) {
  const socket = io(`${o.url}${namespace === "/" ? "" : namespace}`, {
    forceNew: true,
    reconnection: false,
  });
  sockets.add(socket);
  await new Promise((done, fail) =>
    socket.once("connect", () => done(null)).once("connect_error", fail),
  );
  const heard: string[] = [];
  socket.onAny((event: string, payload: unknown) => heard.push(`${event} ${said(payload)}`));
  if (room)
    await socket
      .timeout(3000)
      .emitWithAck(o.join, room)
      .catch(() => settle());
  return { name: room ? `${namespace} in ${room}` : namespace, heard };
}

await answersSocketIo(o.url);

// One speaker for every namespace over one connection, so that the server handles what it says in
// order: a sentinel said last in each namespace arrives after anything wrongly sent before it.
async function scene(say: (speaker: Record<string, Socket>) => void) {
  const loggers = {
    core: await logger("/"),
    home: await logger(o.home),
    school: await logger(o.school),
  };
  const member = await logger(o.school, o.room);
  const manager = new Manager(o.url, { reconnection: false });
  const speaker = Object.fromEntries(
    ["/", o.home, o.school].map((nsp) => [nsp, manager.socket(nsp)]),
  );
  for (const socket of Object.values(speaker)) sockets.add(socket);
  await Promise.all(
    Object.values(speaker).map((s) => new Promise((done) => s.once("connect", () => done(null)))),
  );
  await settle();
  say(speaker);
  for (const [nsp, socket] of Object.entries(speaker)) socket.emit(o.speak, `sentinel ${nsp}`);
  const all = [loggers.core, loggers.home, loggers.school, member];
  const sentinels: Record<string, string> = { "/": "/", [o.home]: o.home, [o.school]: o.school };
  await Promise.all(
    all.map(async (l) => {
      const mine = `${o.message} "sentinel ${sentinels[l.name.split(" ")[0]]}"`;
      for (let waited = 0; !l.heard.includes(mine); waited += 20) {
        if (waited > 3000)
          throw new Failed(
            `"${mine}" at ${l.name}`,
            JSON.stringify(l.heard.slice(-3)),
            "is every namespace there?",
          );
        await new Promise((done) => setTimeout(done, 20));
      }
      l.heard.splice(l.heard.indexOf(mine)); // what came before the sentinel
    }),
  );
  return { ...loggers, member };
}

const expectSeen = (
  l: { name: string; heard: string[] },
  line: string,
  seen: boolean,
  hint: string,
) => {
  if (l.heard.includes(line) !== seen) {
    throw new Failed(
      `${seen ? "" : "no "}"${line}" at ${l.name}`,
      JSON.stringify(l.heard.slice(-3)),
      hint,
    );
  }
};

const MATRIX = "the who-sees-what table";
const code = await runChecks([
  {
    group: MATRIX,
    name: "what is said in / reaches / and stays in /",
    run: async () => {
      const l = await scene((s) => s["/"].emit(o.speak, "in core"));
      const line = `${o.message} "in core"`;
      expectSeen(l.core, line, true, "nsp.emit: every socket of the namespace");
      for (const other of [l.home, l.school, l.member])
        expectSeen(other, line, false, "emit on the namespace, not io-wide");
    },
  },
  {
    group: MATRIX,
    name: `what is said in ${o.home} reaches ${o.home} and stays in ${o.home}`,
    run: async () => {
      const l = await scene((s) => s[o.home].emit(o.speak, "at home"));
      const line = `${o.message} "at home"`;
      expectSeen(l.home, line, true, "nsp.emit: every socket of the namespace");
      for (const other of [l.core, l.school, l.member])
        expectSeen(other, line, false, "emit on the namespace, not io-wide");
    },
  },
  {
    group: MATRIX,
    name: `${o.school} reaches every socket of ${o.school}, in the room or not`,
    run: async () => {
      const l = await scene((s) => s[o.school].emit(o.speak, "at school"));
      const line = `${o.message} "at school"`;
      for (const one of [l.school, l.member])
        expectSeen(one, line, true, "the whole namespace, rooms or not");
      for (const other of [l.core, l.home])
        expectSeen(other, line, false, "emit on the namespace, not io-wide");
    },
  },
  {
    group: MATRIX,
    name: `${o.lesson} reaches the ${o.room} room's members only`,
    run: async () => {
      const l = await scene((s) => s[o.school].emit(o.lesson, "for the room"));
      const line = `${o.lesson} "for the room"`;
      expectSeen(
        l.member,
        line,
        true,
        `nsp.to("${o.room}").emit(…) after socket.join on ${o.join}`,
      );
      for (const other of [l.school, l.core, l.home])
        expectSeen(other, line, false, `to("${o.room}"): the room only`);
    },
  },
]);
for (const socket of sockets) socket.disconnect();
process.exit(code);
