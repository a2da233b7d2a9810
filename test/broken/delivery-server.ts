// Socket.IO servers as a student might write the delivery lesson's, for the checker's tests: each
// does all that the lesson asks, but for the one fault it is started with.
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";

export type DeliveryFault =
  "forgets-sessions" | "passes-duplicates" | "replays-the-last" | "skips-the-sender";

export async function startBrokenDelivery(fault: DeliveryFault) {
  // the first fault: no connectionStateRecovery, so a client that comes back starts afresh
  const io = new Server(0, fault === "forgets-sessions" ? {} : { connectionStateRecovery: {} });
  const passedOn = new Set<string>();
  let last: unknown; // what "replays-the-last" sends a new client, not only one that comes back
  io.on("connection", (socket) => {
    if (fault === "replays-the-last" && !socket.recovered && last) socket.emit("message", last);
    socket.on("speak", (speech, ack) => {
      const record = typeof speech === "object" ? `${speech?.id} ${speech?.at}` : undefined;
      // the second fault: a record that comes again is passed on again
      if (record && passedOn.has(record) && fault !== "passes-duplicates")
        return ack?.({ ok: true, duplicate: true });
      if (record) passedOn.add(record);
      // the fourth: socket.broadcast, which every client hears but the one that spoke
      (fault === "skips-the-sender" ? socket.broadcast : io).emit(
        "message",
        (last = { from: socket.id, speech }),
      );
      ack?.({ ok: true });
    });
  });
  if (!io.httpServer.listening) await once(io.httpServer, "listening");
  return { port: (io.httpServer.address() as AddressInfo).port, close: () => io.close() };
}
