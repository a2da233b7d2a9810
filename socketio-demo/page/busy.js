// @ts-check
// The busy store, live: ten listening apps, two for each kind, each its own connection, with the
// two counts a listening app prints once a second. Each drops what it does not care about.
import { io } from "/socket.io/socket.io.esm.min.js";

/** @typedef {import("../events.ts").StoreClientToServerEvents} Sends */
/** @typedef {import("../events.ts").StoreServerToClientEvents} Hears */
// events.ts's kinds, which a page cannot import: the type check holds this list to them, each once
const COLOURS = /** @satisfies {Record<import("../events.ts").Kind, string>} */ ({
  order: "#1b5e20",
  payment: "#0d47a1",
  shipment: "#e65100",
  refund: "#b71c1c",
  review: "#6a1b9a",
});

for (const [cares, colour] of Object.entries(COLOURS)) {
  for (const n of [1, 2]) {
    const pane = document.createElement("section");
    pane.dataset.app = `${cares}-${n}`;
    pane.style.setProperty("--colour", colour);
    const [title, received, handled, state] = ["h2", "p", "p", "p"].map((tag) =>
      pane.appendChild(document.createElement(tag)),
    );
    title.textContent = `${cares}-${n}`;
    [received.className, handled.className, state.className] = ["count", "count", "state"];
    document.querySelector("main")?.append(pane);

    /** @type {import("socket.io-client").Socket<Hears, Sends>} */
    const socket = io({ forceNew: true }); // its own connection, as an app in its own terminal
    const counts = { received: 0, handled: 0 };
    socket.onAny((event) => {
      if (event === "welcome") return; // to this app alone, as it connects
      counts.received += 1; // sent to everyone, cared about or not
      if (event === cares) counts.handled += 1; // the others are dropped, here in the app
    });
    const show = () => {
      received.textContent = `received ${counts.received}`;
      handled.textContent = `handled ${counts.handled}`;
    };
    show();
    setInterval(show, 1000);
    socket.on("connect", () => {
      state.textContent = `connected as ${socket.id}`;
      state.classList.remove("lost");
    });
    socket.on("disconnect", (why) => {
      state.textContent = `lost the server (${why}): reconnecting…`;
      state.classList.add("lost");
    });
  }
}
