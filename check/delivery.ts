// npm run check:delivery -- --port 3000 [--host H] (or --url U): holds any Socket.IO server, in
// any language, to the delivery lesson, over the wire: nothing lost across a reconnect, a retry
// passed on once, and nothing old for a newcomer. It judges only what it said itself, each text and
// record marked with this run's id, so it holds on a server that a class is using.
import { randomInt } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { pathToFileURL } from "node:url";
import { io, type Socket } from "socket.io-client";
import {
  cli,
  connected,
  disconnectAll,
  flags,
  WAIT,
  WAIT_USAGE,
  waitOf,
  Heard,
  must,
  printed,
  reachSocketIo,
  runChecks,
  speechIn,
  urlOf,
  type Print,
} from "./report.ts";

const USAGE = `usage: npm run check:delivery -- --port 3000 [--host localhost]
  [--url http://localhost:3000, instead of --port and --host] [--speak speak] [--message message]
  ${WAIT_USAGE}
Checks the delivery lesson: what a client misses while its connection is down, it gets when back.`;

export type DeliverySettings = ReturnType<typeof deliverySettings>;

export function deliverySettings(args: string[]) {
  const o = flags(
    USAGE,
    {
      url: { type: "string" },
      port: { type: "string" },
      host: { type: "string" },
      speak: { type: "string", default: "speak" },
      message: { type: "string", default: "message" },
      wait: WAIT,
    },
    args,
  );
  return { url: urlOf(o), speak: o.speak, message: o.message, wait: waitOf(o.wait) };
}

export async function checkDelivery(settings: DeliverySettings, print: Print = printed) {
  const { url, speak, message, wait } = settings;
  const run = randomInt(1e6, 1e9); // the ids of this run's records, and the mark in its texts
  const text = (what: string) => `check ${run}: ${what}`;
  const record = (n: number) => ({ id: run + n, change: "created", at: new Date().toISOString() });
  const mine = (said: unknown) =>
    (typeof said === "string" && said.startsWith(text(""))) ||
    (typeof said === "object" && said !== null && "id" in said && said.id === run + 1);
  const open = new Set<Socket>();

  // A client that keeps what each message of this run carried, the speech in it or the whole
  // payload. It reconnects only when told: a check drops its connection on purpose.
  async function client() {
    const socket = io(url, connecting);
    open.add(socket);
    const heard = new Heard<unknown>(wait); // from the start: what a server replays comes first
    socket.on(message, (payload: unknown) => {
      const speech = speechIn(payload);
      if (mine(speech)) heard.add(speech);
    });
    await connected(socket);
    const until = (speech: unknown, hint: string) =>
      heard.until(speech, `a ${message} with ${JSON.stringify(speech)}`, hint);
    return { socket, heard, until, speak: (speech: unknown) => socket.emit(speak, speech) };
  }

  const basics = `io.emit("${message}", …) on each ${speak}: every client, the sender included`;
  const RECONNECT =
    "nothing lost across a reconnect: what is said while a client is away, it gets back";
  const connecting = await reachSocketIo(url, wait, print); // before the first client()
  return runChecks(
    [
      {
        group: "the lesson so far",
        name: `${speak} becomes ${message} to every client, the sender included`,
        run: async () => {
          const [sender, other] = [await client(), await client()];
          sender.speak(text("to all"));
          for (const one of [sender, other]) await one.until(text("to all"), basics);
        },
      },
      {
        group: "nothing lost across a reconnect",
        name: "a client back from a dropped connection gets what it missed, once, in order",
        run: async () => {
          const [reader, speaker] = [await client(), await client()];
          speaker.speak(text("before"));
          await reader.until(text("before"), basics); // where it will pick up from
          reader.socket.io.engine.close(); // its connection drops, as a laptop's Wi-Fi does
          for (const n of [1, 2]) speaker.speak(text(`while away ${n}`));
          await speaker.until(text("while away 2"), basics); // both passed on by now
          reader.socket.connect();
          await connected(reader.socket);
          speaker.speak(text("after")); // to a reader back in the pool: after what it missed
          const hint =
            "new Server(…, { connectionStateRecovery: {} }); and " +
            `io.emit("${message}", …) with no acknowledgement callback, or it is not kept`;
          const heard = await reader.until(text("after"), hint);
          // from the first it heard here: a replay to a new client is another check's
          const got = heard.slice(heard.indexOf(text("before")));
          const wanted = ["before", "while away 1", "while away 2", "after"].map(text);
          must(isDeepStrictEqual(got, wanted), JSON.stringify(wanted), JSON.stringify(got), hint);
        },
      },
      {
        group: "nothing lost across a reconnect",
        name: `a record that comes twice, a retry, is passed on once`,
        run: async () => {
          const [listener, speaker] = [await client(), await client()];
          const retried = record(1);
          speaker.speak(retried);
          speaker.speak(retried); // the same id, the same time: the client sent it again
          speaker.speak(text("after the retry"));
          const hint =
            "remember the records passed on, by id and time, and pass a second on to no one";
          const got = await listener.until(text("after the retry"), hint);
          const once = JSON.stringify([retried, text("after the retry")]);
          const copies = got.filter((said) => isDeepStrictEqual(said, retried)).length;
          must(copies === 1, once, JSON.stringify(got), hint);
        },
      },
      {
        group: "nothing lost across a reconnect",
        name: "a client that joins later gets only what follows",
        run: async () => {
          const early = await client();
          early.speak(text("before"));
          await early.until(text("before"), basics);
          const late = await client();
          late.speak(text("after")); // on its own connection: anything older would have come first
          const hint = "replay only to a client that comes back with its session";
          const got = await late.until(text("after"), hint);
          const only = JSON.stringify([text("after")]);
          must(got.length === 1, only, JSON.stringify(got), hint);
        },
      },
    ],
    { print, closeClients: () => disconnectAll(open), wait },
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await cli(() => checkDelivery(deliverySettings(process.argv.slice(2))));
}
