// @ts-check
// The who-sees-what table, live: four panes, each its own namespace socket, each showing what
// its logger would print, the newest on top. The Socket.IO client comes from the server itself.
import { io } from "/socket.io/socket.io.esm.min.js";
import { show, speakBox } from "/page-lines.js"; // classroom/page-lines.js: the lines, the box

/** @typedef {import("../events.ts").SchoolClientToServerEvents} Sends */
/** @typedef {import("../events.ts").SchoolServerToClientEvents} Hears */
const LOGGERS = [
  { logger: "logger", namespace: "/", title: "/", colour: "#1b5e20" },
  { logger: "home-logger", namespace: "/home", title: "/home", colour: "#e65100" },
  { logger: "school-logger", namespace: "/school", title: "/school", colour: "#0d47a1" },
  {
    logger: "codefellows-logger",
    namespace: "/school",
    title: "/school + codefellows",
    colour: "#b71c1c",
  },
];
const template = /** @type {HTMLTemplateElement} */ (document.getElementById("pane"));

for (const { logger, namespace, title, colour } of LOGGERS) {
  const pane = /** @type {HTMLElement} */ (template.content.firstElementChild?.cloneNode(true));
  pane.dataset.logger = logger;
  pane.style.setProperty("--colour", colour); // one colour per pane, read on a projector
  /** @type {HTMLElement} */ (pane.querySelector("h2")).textContent = title;
  document.querySelector("main")?.append(pane);
  const state = /** @type {HTMLElement} */ (pane.querySelector(".state"));
  const list = /** @type {HTMLElement} */ (pane.querySelector("ol"));
  /** @type {import("socket.io-client").Socket<Hears, Sends>} */
  const socket = io(namespace, { forceNew: true }); // its own connection, as a logger in a terminal
  let connectedBefore = false;
  socket.on("connect", () => {
    state.textContent = `${connectedBefore ? "back: reconnected" : "connected"} as ${socket.id}`;
    connectedBefore = true;
    // Rooms live on the server, which forgets them when it restarts: join on every connect
    if (logger === "codefellows-logger") {
      socket.emit("join", "codefellows", (joined) => show(list, "join", joined));
    }
  });
  socket.on("disconnect", (why) => {
    state.textContent = `lost the server (${why}): reconnecting…`;
  });
  socket.onAny((event, payload) => show(list, event, payload, event)); // all it is sent
  for (const event of /** @type {const} */ (["speak", "lesson"])) {
    const form = /** @type {HTMLFormElement} */ (pane.querySelector(`.${event}`));
    form.hidden = event === "lesson" && namespace !== "/school";
    speakBox(form, list, event, (speech, ack) => socket.emit(event, speech, ack));
  }
}
