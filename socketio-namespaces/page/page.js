// @ts-check
// The who-sees-what table, live: four panes, each its own namespace socket, each showing exactly
// what its logger would print. The Socket.IO client comes from the server itself.
import { io } from "/socket.io/socket.io.esm.min.js";

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
  const show = (/** @type {string} */ line, kind = "") => {
    const item = list.insertBefore(document.createElement("li"), list.firstChild); // newest on top
    item.textContent = line;
    item.className = kind;
  };
  let connectedBefore = false;
  socket.on("connect", () => {
    state.textContent = `${connectedBefore ? "back: reconnected" : "connected"} as ${socket.id}`;
    connectedBefore = true;
    // Rooms live on the server, which forgets them when it restarts: join on every connect
    if (logger === "codefellows-logger") {
      socket.emit("join", "codefellows", () => show(`${namespace} joined room codefellows`));
    }
  });
  socket.on("disconnect", (why) => {
    state.textContent = `lost the server (${why}): reconnecting…`;
  });
  socket.onAny((event, payload) => {
    const said = payload?.from
      ? `from ${payload.from}: ${JSON.stringify(payload.speech)}`
      : JSON.stringify(payload);
    show(`${namespace} ${event} ${said}`, event);
  });
  for (const event of /** @type {const} */ (["speak", "lesson"])) {
    const form = /** @type {HTMLFormElement} */ (pane.querySelector(`.${event}`));
    form.hidden = event === "lesson" && namespace !== "/school";
    const input = /** @type {HTMLInputElement} */ (form.querySelector("input"));
    form.addEventListener("submit", (submitted) => {
      submitted.preventDefault();
      socket.emit(event, input.value, (receipt) =>
        show(`${namespace} receipt ${JSON.stringify(receipt)}`),
      );
      input.value = "";
    });
  }
}
