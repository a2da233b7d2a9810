import { pathToFileURL } from "node:url";
import { Manager, type Socket } from "socket.io-client";
import type { Ack, ClientToServerEvents, Message, SchoolClientToServerEvents, SchoolServerToClientEvents, ServerToClientEvents, Speech } from "./server.ts";
import { CHANGES } from "./server.ts";
import { DEFAULT_PORT, log, narrate, settings, stopOnSignal } from "./terminal.ts";

// One Manager is one connection; each namespace is a socket multiplexed over it.
export function startApp({ port = DEFAULT_PORT, host = "localhost", every = 750, print = log } = {}) {
  const manager = new Manager(`http://${host}:${port}`);
  const core: Socket<ServerToClientEvents, ClientToServerEvents> = manager.socket("/");
  const school: Socket<SchoolServerToClientEvents, SchoolClientToServerEvents> = manager.socket("/school");
  const home: Socket<ServerToClientEvents, ClientToServerEvents> = manager.socket("/home");
  const heard = (name: string) => ({ from, speech }: Message) => print(`${name} heard message from ${from}: ${JSON.stringify(speech)}`);
  core.on("message", heard("/"));
  school.on("message", heard("/school"));
  home.on("message", heard("/home"));
  narrate(core, `http://${host}:${port}/`, print);
  narrate(school, `http://${host}:${port}/school`, print);
  narrate(home, `http://${host}:${port}/home`, print);

  let id = 0;
  const note = (): Speech => ({ id: ++id, change: CHANGES[id % CHANGES.length], at: new Date().toISOString() });
  const steps = [
    () => send("/", core, "speak", note()),
    () => send("/school", school, "speak", note()),
    () => send("/home", home, "speak", note()),
    () => send("/school", school, "lesson", `lesson ${++id}: a room is a pool inside a namespace`),
  ];
  let step = 0;
  const timer = setInterval(() => steps[step++ % steps.length](), every);

  function send(name: string, socket: typeof core | typeof school, event: "speak" | "lesson", speech: Speech) {
    const what = `${name} ${event} ${JSON.stringify(speech)}`;
    // Socket.IO would buffer emits while disconnected and send a burst of stale events later: drop them instead.
    if (!socket.connected) return print(`dropped ${what} (not connected)`);
    print(what);
    const ack: Ack = (receipt) => print(`${name} receipt for ${event}: ${JSON.stringify(receipt)}`);
    (socket as typeof school).emit(event, speech, ack); // both namespaces take speak; the steps above send lesson to /school only
  }

  return {
    manager,
    sockets: { core, school, home },
    close: () => {
      clearInterval(timer);
      for (const socket of [core, school, home]) socket.disconnect();
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { port, host } = settings();
  stopOnSignal(startApp({ port, host }).close);
}
