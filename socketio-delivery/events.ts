// What the delivery lesson adds to the first pass's events: a receipt that says when a record came
// twice, and a welcome that says when what was sent meanwhile is lost. Typed once for both sides.
import type { Message, Receipt as FirstReceipt, Speech } from "../socketio-demo/events.ts";

export { CHANGES, checkSpeech } from "../socketio-demo/events.ts";
export type { Message, Note, Speech } from "../socketio-demo/events.ts";
export type Receipt = FirstReceipt | { ok: true; duplicate: true }; // passed on once, not again
export type Welcome = { id: string; clients: number; missed?: string }; // missed: and why
// The app always asks for a receipt: at least once needs one. A client that gives no callback, as a
// browser tool may not, gets a receipt event instead.
export type ClientToServerEvents = { speak: (speech: Speech, ack: (r: Receipt) => void) => void };
export type ServerToClientEvents = {
  message: (message: Message) => void; // to everyone, and kept for whoever is away
  welcome: (welcome: Welcome) => void; // to one client, as it connects
  receipt: (receipt: Receipt) => void; // to the speaker, when it gave no acknowledgement callback
};

export const AWAY_MS = 2 * 60 * 1000; // how long a session waits for its client, as Socket.IO's

// A retry sends the very same record: the same id, from the same moment. An app started again
// counts from 1 again, at another time; text, or a record with no time (another student's, by
// hand), is never taken for a retry.
export const recordKey = (speech: Speech) =>
  typeof speech === "string" || speech.at === undefined ? undefined : `${speech.id} ${speech.at}`;
