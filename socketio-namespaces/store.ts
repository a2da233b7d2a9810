// The busy store in the second pass: in /store each listening app joins the room of the kind it
// cares about (server.ts lets it), and each event goes to its room only.
import type { Namespace } from "socket.io";
import type { Commentary } from "../classroom/commentary.ts";
import { passOn } from "../classroom/socketio-server.ts";
import { KINDS, type Message } from "./events.ts";

export function sendEachKindToItsRoom(store: Namespace, say: Commentary) {
  store.on("connection", (socket) => {
    for (const kind of KINDS) {
      const toRoom = (message: Message) => {
        store.to(kind).emit(kind, message); // the apps that care about another kind never hear it
        return store.adapter.rooms.get(kind)?.size ?? 0;
      };
      socket.on(kind, passOn(socket, kind, say, toRoom)); // checked as a speak is
    }
  });
}
