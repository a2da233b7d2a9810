// @ts-check
// The lesson page: what one more terminal would show, in a browser. The Socket.IO client comes from
// the server itself, so the page needs nothing from another host.
import { io } from "/socket.io/socket.io.esm.min.js";

/** @typedef {import("../events.ts").ClientToServerEvents} Sends */
/** @typedef {import("../events.ts").ServerToClientEvents} Hears */
/** @type {import("socket.io-client").Socket<Hears, Sends>} */
const socket = io(); // the server that served this page; it reconnects by itself
const state = /** @type {HTMLElement} */ (document.getElementById("state"));
const list = /** @type {HTMLElement} */ (document.getElementById("events"));
const speech = /** @type {HTMLInputElement} */ (document.getElementById("speech"));

/** @param {string} text @param {string} [kind] */
function show(text, kind = "") {
  const item = list.appendChild(document.createElement("li"));
  item.textContent = text;
  item.className = kind;
  return item;
}

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
socket.on("welcome", ({ id, clients }) =>
  show(`welcome: I am ${id}, ${clients} connected`, "mine"),
);
socket.on("message", ({ from, speech }) => show(`message from ${from}: ${JSON.stringify(speech)}`));

/** @type {HTMLFormElement} */ (document.getElementById("speak")).addEventListener(
  "submit",
  (event) => {
    event.preventDefault();
    const said = recordOrText(speech.value);
    const item = show(`speak ${JSON.stringify(said)}`, "mine");
    socket.emit("speak", said, (receipt) => {
      item.textContent += receipt.ok
        ? ` → heard by ${receipt.heardBy}`
        : ` → refused: ${receipt.error}`;
    });
    speech.value = "";
  },
);

// What was typed is sent as a record when it parses as one, and as text otherwise.
/** @param {string} typed @returns {import("../events.ts").Speech} */
function recordOrText(typed) {
  try {
    const parsed = JSON.parse(typed);
    return parsed && typeof parsed === "object" ? parsed : typed;
  } catch {
    return typed;
  }
}
