// npm run check:socketio -- --url http://localhost:3000: holds any Socket.IO event server, in any
// language, to the lesson, over the wire.
import { isDeepStrictEqual } from "node:util";
import { io, type Socket } from "socket.io-client";
import { answersSocketIo, Failed, flags, must, runChecks, settle } from "./report.ts";

const USAGE = `usage: npm run check:socketio -- --url http://localhost:3000
  [--speak speak] [--message message]
Checks the Socket.IO lesson's behaviours: a client emits speak, and every client gets a message.`;
const options = flags(USAGE, {
  url: { type: "string", default: "http://localhost:3000" },
  speak: { type: "string", default: "speak" },
  message: { type: "string", default: "message" },
});
const sockets = new Set<Socket>();

// A client that keeps what each message carried: the speech in it, or the whole payload.
async function client() {
  const socket = io(options.url, { forceNew: true, reconnection: false });
  sockets.add(socket);
  await new Promise((done, fail) =>
    socket.once("connect", () => done(null)).once("connect_error", fail),
  );
  const heard: unknown[] = [];
  socket.on(options.message, (payload: unknown) => void heard.push(speechIn(payload)));
  const until = (speech: unknown, hint: string) =>
    new Promise<unknown[]>((resolve, reject) => {
      const found = () => heard.findIndex((said) => isDeepStrictEqual(said, speech));
      const check = () => (found() >= 0 ? resolve(heard.slice(0, found() + 1)) : undefined);
      check();
      socket.on(options.message, check);
      const got = () => (heard.length ? JSON.stringify(heard.slice(-3)) : "nothing");
      setTimeout(
        () =>
          reject(new Failed(`a ${options.message} with ${JSON.stringify(speech)}`, got(), hint)),
        3000,
      ).unref();
    });
  const ask = (speech: unknown) =>
    socket
      .timeout(3000)
      .emitWithAck(options.speak, speech)
      .catch(() => undefined);
  return {
    socket,
    heard,
    until,
    ask,
    speak: (speech: unknown) => socket.emit(options.speak, speech),
  };
}
const speechIn = (payload: unknown) =>
  payload && typeof payload === "object" && "speech" in payload ? payload.speech : payload;

await answersSocketIo(options.url);

const BASICS = "basics: what the lesson plan asks for";
const BEYOND = "beyond the lesson plan";
const code = await runChecks([
  {
    group: BASICS,
    name: `${options.speak} becomes ${options.message} to every client, the sender included`,
    run: async () => {
      const clients = [await client(), await client(), await client()];
      await settle();
      clients[0].speak({ id: 1, change: "created" });
      for (const c of clients)
        await c.until(
          { id: 1, change: "created" },
          `io.emit("${options.message}", …), not socket.emit`,
        );
    },
  },
  {
    group: BASICS,
    name: "the payload arrives as sent, object or text",
    run: async () => {
      const sender = await client();
      const sent = [{ id: 2, change: "updated", at: "2026-01-01T00:00:00.000Z" }, "plain text"];
      for (const speech of sent) sender.speak(speech);
      await sender.until("plain text", `pass on what came in ${options.speak}, as it came`);
      const got = sender.heard.slice(-2);
      const same = isDeepStrictEqual(got, sent);
      must(same, JSON.stringify(sent), JSON.stringify(got), "do not change what you pass on");
    },
  },
  {
    group: BASICS,
    name: "a client that joins later gets only what follows",
    run: async () => {
      const early = await client();
      early.speak("before");
      await early.until("before", "send the sender its own message too");
      const late = await client();
      await settle();
      late.speak("after"); // on its own connection: anything older would have come first
      const before = await late.until("after", "a new client is one more in the pool");
      must(before.length === 1, 'only "after"', JSON.stringify(before), "replay nothing");
    },
  },
  {
    group: BEYOND,
    name: "a bad payload is refused with an answer to its sender, and passed on to no one",
    run: async () => {
      const sender = await client();
      const answer = await sender.ask(null);
      const refused =
        answer &&
        typeof answer === "object" &&
        ("error" in answer || ("ok" in answer && !answer.ok));
      const got = JSON.stringify(answer) ?? "no answer";
      const hint = "check what a speak carries, and say what is wrong";
      must(Boolean(refused), "an answer like { ok: false, error }", got, hint);
      sender.speak("sentinel");
      const before = await sender.until("sentinel", "pass on a good speak still");
      const passedOn = before.includes(null);
      must(
        !passedOn,
        "no message with null",
        JSON.stringify(before),
        "refuse it: pass it on to no one",
      );
    },
  },
  {
    group: BEYOND,
    name: "an acknowledgement comes back",
    run: async () => {
      const sender = await client();
      const answer = await sender.ask({ id: 5, change: "deleted" });
      const hint = "call the callback, the last argument: ack({ ok: true })";
      must(answer !== undefined, "an acknowledgement", "none in 3 s", hint);
    },
  },
]);
for (const socket of sockets) socket.disconnect();
process.exit(code);
