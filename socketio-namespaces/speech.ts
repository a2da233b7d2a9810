// What a speak or a lesson may carry, and how the server answers the client that sent it.
import type { Socket } from "socket.io";
import type { Ack, Message, Note, Speech } from "./server.ts";
import type { commentary } from "./terminal.ts";

type Commentary = ReturnType<typeof commentary>;

export const CHANGES = ["created", "updated", "deleted"] as const;

const MAX_SPEECH_BYTES = 10_000; // well under Socket.IO's 1 MB, past which it drops the connection without a word

// The sender's acknowledgement callback comes last, if it gave one; otherwise it gets a receipt event.
export function answerer(socket: Socket, args: unknown[]): Ack {
  const ack = args.at(-1);
  return typeof ack === "function" ? (ack as Ack) : (receipt) => socket.emit("receipt", receipt);
}

// Checks what a speak or a lesson carries, delivers it, and tells the sender how it went.
export function passOn(socket: Socket, event: string, args: unknown[], say: Commentary, deliver: (message: Message) => number) {
  const answer = answerer(socket, args);
  const speech = typeof args[0] === "function" ? undefined : args[0];
  const error = checkSpeech(event, speech);
  if (error) {
    say.dropped(`${socket.nsp.name} ${socket.id} ${event} refused: ${error}`);
    return answer({ ok: false, error });
  }
  say.event(`${socket.nsp.name} ${event} from ${socket.id}`, speech);
  answer({ ok: true, heardBy: deliver({ from: socket.id, speech: speech as Speech }) });
}

function checkSpeech(event: string, speech: unknown): string | undefined {
  if (typeof speech === "string" ? !speech.trim() : !isNote(speech)) {
    return `${event} takes text or a record like {"id":1,"change":"created"}, not ${describe(speech)}`;
  }
  const size = Buffer.byteLength(JSON.stringify(speech));
  if (size > MAX_SPEECH_BYTES) return `${event} is too big: ${size} bytes, at most ${MAX_SPEECH_BYTES}`;
}

const isNote = (value: unknown): value is Note =>
  typeof (value as Note)?.id === "number" && CHANGES.includes((value as Note).change) && !Array.isArray(value);

const describe = (value: unknown) =>
  value === undefined ? "nothing" : typeof value === "string" ? "empty text"
  : value === null ? "null" : Array.isArray(value) ? "an array"
  : typeof value === "object" ? "an object without a number id and a change" : `a ${typeof value}`;
