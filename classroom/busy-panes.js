// @ts-check
// The busy store, live, for both lessons' /busy.html: ten listening apps, two for each kind, each
// its own connection, with the two counts a listening app prints once a second. In the second
// pass each joins the room of its kind. Each lesson server serves this file as /busy-panes.js.
import { io } from "/socket.io/socket.io.esm.min.js";

// events.ts's kinds, which a page cannot import: the type check holds this list to them, each once
const COLOURS = /** @satisfies {Record<import("../socketio-demo/events.ts").Kind, string>} */ ({
  order: "#1b5e20",
  payment: "#0d47a1",
  shipment: "#e65100",
  refund: "#b71c1c",
  review: "#6a1b9a",
});

// The store's namespace, and whether each app joins the room of its kind there
/** @param {{ namespace: string, rooms: boolean }} store */
export function showBusyStore({ namespace, rooms }) {
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

      const socket = io(namespace, { forceNew: true }); // its own connection, as in a terminal
      const counts = { received: 0, handled: 0 };
      socket.onAny((event) => {
        if (event === "welcome") return; // to this app alone, as it connects
        counts.received += 1; // without rooms, everything the store sends; with them, its room's
        if (event === cares) counts.handled += 1; // the filter: without rooms, it drops the rest
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
        if (!rooms) return;
        /** @param {{ ok: boolean, error?: string }} r */
        const joined = (r) => (state.textContent += r.ok ? `, in ${cares}` : `: ${r.error}`);
        socket.emit("join", cares, joined);
      });
      socket.on("disconnect", (why) => {
        state.textContent = `lost the server (${why}): reconnecting…`;
        state.classList.add("lost");
      });
    }
  }
}
