// Socket.IO clients reconnect by themselves; we only say what they are doing, one line each time
// the story changes: connected, lost, back, or why there is no server.
import type { Socket } from "socket.io-client";
import type { Print } from "./terminal.ts";

export function narrate(socket: Socket, where: string, print: Print, server: string) {
  let connectedBefore = false;
  let told = false;
  socket.on("connect", () => {
    print(`${connectedBefore ? "back: reconnected" : "connected"} to ${where} as ${socket.id}`);
    connectedBefore = true;
    told = false;
  });
  socket.on("disconnect", (reason) => {
    if (reason !== "io client disconnect")
      print(`lost the server at ${where} (${reason}): reconnecting`);
    told = true;
  });
  socket.on("connect_error", (error) => {
    if (error.message === "Invalid namespace") {
      print(
        `${where} has no such namespace: is it this lesson's server? ` +
          `Start it with npm run ${server} (retrying)`,
      );
      setTimeout(() => socket.connect(), 2000).unref();
    } else if (!told) {
      print(`no server at ${where}: start it with npm run ${server} (retrying)`);
    }
    told = true;
  });
}

// What a message says, as every client prints it: who spoke, and what, as JSON.
export const shown = ({ from, speech }: { from: string; speech: unknown }) =>
  `from ${from}: ${JSON.stringify(speech)}`;
