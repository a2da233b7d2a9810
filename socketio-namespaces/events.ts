// The first pass's events, in every namespace, and what /school adds: rooms, and lessons for one;
// and /store, the first pass's busy store, with a room for each kind.
import type { ClientToServerEvents, Message, Receipt } from "../socketio-demo/events.ts";
import type { ServerToClientEvents, StoreClientToServerEvents } from "../socketio-demo/events.ts";
import type { StoreServerToClientEvents } from "../socketio-demo/events.ts";
import type { Namespace } from "socket.io"; // a type alone: a client loads no server

export * from "../socketio-demo/events.ts";
export type Joined = Receipt | { ok: true; joined: string };
type Join = (room: string, ack?: (receipt: Joined) => void) => void;
export type SchoolClientToServerEvents = ClientToServerEvents & {
  join: Join;
  lesson: ClientToServerEvents["speak"]; // a lesson carries what a speak carries
};
export type SchoolServerToClientEvents = ServerToClientEvents & {
  lesson: (message: Message) => void; // to the codefellows room only
};

export const ROOM = "codefellows";

// In /store each listening app joins the room of its kind; it hears StoreServerToClientEvents.
export type StoreRoomsClientToServerEvents = StoreClientToServerEvents & { join: Join };

// What the server's /school and /store take and send, for the server's own type checks.
export type SchoolNamespace = Namespace<SchoolClientToServerEvents, SchoolServerToClientEvents>;
export type StoreNamespace = Namespace<StoreRoomsClientToServerEvents, StoreServerToClientEvents>;
