// What the server and its clients say to each other, typed once for both sides, with the check of a
// speak that both share. Clients import this file, never server.ts, so they load no server.
export const CHANGES = ["created", "updated", "deleted"] as const;
export type Note = { id: number; change: (typeof CHANGES)[number]; at?: string };
export type Speech = string | Note; // text, as a browser tool sends it, or a record
export type Message = { from: string; speech: Speech };
export type Receipt = { ok: true; heardBy: number } | { ok: false; error: string };
export type Ack = (receipt: Receipt) => void;
export type ClientToServerEvents = { speak: (speech: Speech, ack?: Ack) => void };
export type ServerToClientEvents = {
  message: (message: Message) => void; // to everyone
  welcome: (welcome: { id: string; clients: number }) => void; // to one client, as it connects
  receipt: (receipt: Receipt) => void; // to the speaker, when it gave no acknowledgement callback
};

// The busy store: its app pumps these kinds of event at random, and each listening app cares about
// one kind. Each carries what a speak carries, and is passed on as itself.
export const KINDS = ["order", "payment", "shipment", "refund", "review"] as const;
export type Kind = (typeof KINDS)[number];
export type StoreClientToServerEvents = ClientToServerEvents &
  Record<Kind, ClientToServerEvents["speak"]>;
export type StoreServerToClientEvents = ServerToClientEvents & Record<Kind, (m: Message) => void>;

const AT = "2026-01-01T09:00:00.000Z"; // a record's time, as toISOString() writes it
const MAX_SPEECH_BYTES = 10_000; // far below Socket.IO's 1 MB, which drops a client

// What is wrong with what an event carries, in one line, or undefined when it is a speech.
export function checkSpeech(event: string, speech: unknown) {
  const note = speech as Note;
  const isNote =
    typeof note?.id === "number" && CHANGES.includes(note.change) && !Array.isArray(note);
  if (isNote && !["undefined", "string"].includes(typeof note.at)) {
    const shown = JSON.stringify(note.at)?.slice(0, 40);
    return `${event} takes a record's at as a time in text, like "${AT}", not ${shown}`;
  }
  if (typeof speech === "string" ? !speech.trim() : !isNote) {
    const shown = JSON.stringify(speech)?.slice(0, 40) ?? "nothing";
    return `${event} takes text or a record like {"id":1,"change":"created"}, not ${shown}`;
  }
  const size = Buffer.byteLength(JSON.stringify(speech));
  if (size > MAX_SPEECH_BYTES)
    return `${event} is too big: ${size} bytes, at most ${MAX_SPEECH_BYTES}`;
}
