// @ts-check
// The busy store, live: every app receives every event, and drops what it does not care about.
import { showBusyStore } from "/busy-panes.js";

showBusyStore({ namespace: "/", rooms: false });
