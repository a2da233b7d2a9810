// @ts-check
// The lesson page: what one more terminal would show, in a browser, the newest line on top. The
// Socket.IO client comes from the server itself, so the page needs nothing from another host.
import { io } from "/socket.io/socket.io.esm.min.js";
import { show, speakBox } from "/page-lines.js"; // classroom/page-lines.js: the lines, the box

/** @typedef {import("../events.ts").ClientToServerEvents} Sends */
/** @typedef {import("../events.ts").ServerToClientEvents} Hears */
/** @type {import("socket.io-client").Socket<Hears, Sends>} */
const socket = io(); // the server that served this page; it reconnects by itself
const state = /** @type {HTMLElement} */ (document.getElementById("state"));
const list = /** @type {HTMLElement} */ (document.getElementById("events"));
const form = /** @type {HTMLFormElement} */ (document.getElementById("speak"));

let connectedBefore = false;
socket.on("connect", () => {
  state.textContent = `${connectedBefore ? "back: reconnected" : "connected"} as ${socket.id}`;
  state.className = "";
  connectedBefore = true;
});
socket.on("disconnect", (why) => {
  state.textContent = `lost the server (${why}): reconnecting…`;
  state.className = "lost";
});
socket.on("welcome", (welcome) => show(list, "welcome", welcome, "mine")); // this page alone
socket.on("message", (message) => show(list, "message", message)); // everyone
speakBox(form, list, "speak", (speech, ack) => socket.emit("speak", speech, ack));
