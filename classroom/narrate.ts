// Socket.IO clients reconnect by themselves; we only make them try sooner, and say what they are
// doing, one line each time the story changes: connected, lost, back, or why there is no server.
import type { Socket } from "socket.io-client";
import { npmRun } from "./scripts.ts";
import type { Print } from "./terminal.ts";

const FIRST_RETRY_MS = 100; // a saved server is back within a second: try soon, then back off
const LAST_RETRY_MS = 4000; // then back off, so a server that stays down is not hammered
const NAMESPACE_RETRY_MS = 1000;

export function narrate(socket: Socket, where: string, print: Print, server: string) {
  socket.io.reconnectionDelay(FIRST_RETRY_MS).reconnectionDelayMax(LAST_RETRY_MS);
  const start = npmRun(server, { port: Number(new URL(where).port) });
  const noServer = `no server at ${where}: start it with ${start}`;
  let connectedBefore = false;
  let told = ""; // what is wrong, said once, not once per try, and again when it changes
  let retry: NodeJS.Timeout | undefined;
  socket.on("connect", () => {
    print(`${connectedBefore ? "back: reconnected" : "connected"} to ${where} as ${socket.id}`);
    [connectedBefore, told] = [true, ""];
  });
  socket.on("disconnect", (reason) => {
    if (reason !== "io client disconnect")
      print(`lost the server at ${where} (${reason}): reconnecting`);
    told = noServer; // a lost connection has said so itself
  });
  socket.on("connect_error", (error) => {
    const refused = error.message === "Invalid namespace";
    const story = refused
      ? `${where} has no such namespace: is it this lesson's server? Start it with ${start}`
      : noServer;
    if (told !== story) print(`${story} (retrying)`);
    told = story;
    // Socket.IO does not retry a namespace the server refused: we do, until the client closes
    if (refused) retry = setTimeout(() => socket.connect(), NAMESPACE_RETRY_MS);
  });
  // A client closes with socket.disconnect(), and Socket.IO tells no one when the socket was not
  // connected: so the retry above goes with the close, or a closed client would come back
  const disconnect = socket.disconnect.bind(socket);
  socket.disconnect = () => {
    clearTimeout(retry);
    return disconnect();
  };
}

// What a message says, as every client prints it: who spoke, and what, as JSON.
export const shown = ({ from, speech }: { from: string; speech: unknown }) =>
  `from ${from}: ${JSON.stringify(speech)}`;
