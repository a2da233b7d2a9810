// @ts-check
// The busy store with a room for each kind, live: ten listening apps in /store, each in the room of
// the kind it cares about, with the two counts a listening app prints once a second.
import { io } from "/socket.io/socket.io.esm.min.js";

/** @typedef {import("../events.ts").StoreRoomsClientToServerEvents} Sends */
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
    const socket = io("/store", { forceNew: true }); // its own connection, as in its own terminal
    const counts = { received: 0, handled: 0 };
    socket.onAny((event) => {
      if (event === "welcome") return; // to this app alone, as it connects
      counts.received += 1; // sent to its room, or to all of /store
      if (event === cares) counts.handled += 1; // the same filter, with nothing left to drop
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
      // Rooms live on the server, which forgets them when it restarts: join on every connect
      socket.emit(
        "join",
        cares,
        (r) => (state.textContent += r.ok ? `, in ${cares}` : `: ${r.error}`),
      );
    });
    socket.on("disconnect", (why) => {
      state.textContent = `lost the server (${why}): reconnecting…`;
      state.classList.add("lost");
    });
  }
}
