// The first pass's events, in every namespace, and what /school adds: rooms, and lessons for one.
import type { ClientToServerEvents, Message, Receipt } from "../socketio-demo/events.ts";
import type { ServerToClientEvents } from "../socketio-demo/events.ts";

export * from "../socketio-demo/events.ts";
export type Joined = Receipt | { ok: true; joined: string };
export type SchoolClientToServerEvents = ClientToServerEvents & {
  join: (room: string, ack?: (receipt: Joined) => void) => void;
  lesson: ClientToServerEvents["speak"]; // a lesson carries what a speak carries
};
export type SchoolServerToClientEvents = ServerToClientEvents & {
  lesson: (message: Message) => void; // to the codefellows room only
};

export const ROOM = "codefellows";
