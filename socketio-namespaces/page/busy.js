// @ts-check
// The busy store with a room for each kind, live: each app in /store joins the room of its kind,
// and receives that kind alone.
import { showBusyStore } from "/busy-panes.js";

showBusyStore({ namespace: "/store", rooms: true });
