// What each npm script says of itself under --help, and what a server says when its port is busy.
import type { SettingName } from "./settings.ts";

export interface Script {
  about: string;
  port: number;
  also?: SettingName[]; // settings beyond --port and --host
  logger?: string; // a server's first line tells how to connect this logger to it
  busy?: string; // what a server guesses holds its port
  privateRedis?: boolean; // with no REDIS_URL, its watcher starts a Redis that outlives saves
}

const SOCKETIO_BUSY =
  "is a Socket.IO lesson's server running (socketio:server, namespaces:server and " +
  "delivery:server all use 3000)?";
const SOCKETIO_SERVER: SettingName[] = ["cors-origins", "admin-ui", "admin-password"];

export const SCRIPTS: Record<string, Script> = {
  "tcp:server": {
    about: "The TCP lesson's event server: passes create, update and delete to every client.",
    port: 4000,
    logger: "tcp:logger",
    busy: "is a tcp:server already running?",
  },
  "tcp:logger": {
    about: "The TCP lesson's logger: prints every line the server sends.",
    port: 4000,
  },
  "tcp:app": { about: "The TCP lesson's app: sends a random event every second.", port: 4000 },
  "socketio:server": {
    about: "The Socket.IO lesson's server: speak in, message out to everyone.",
    port: 3000,
    also: SOCKETIO_SERVER,
    logger: "socketio:logger",
    busy: SOCKETIO_BUSY,
  },
  "socketio:logger": { about: "The Socket.IO lesson's logger: prints every message.", port: 3000 },
  "socketio:app": {
    about: "The Socket.IO lesson's app: speaks a record every 750 ms.",
    port: 3000,
  },
  "socketio:busy-app": {
    about: "The busy store's app: an order, payment, shipment, refund or review every 200 ms.",
    port: 3000,
  },
  "socketio:busy-listener": {
    about:
      "A listening app of the busy store: handles the one kind it cares about, drops the rest.",
    port: 3000,
    also: ["cares"],
  },
  "namespaces:server": {
    about:
      "The namespaces lesson's server: /, /school with the codefellows room, /home, and /store.",
    port: 3000,
    also: [...SOCKETIO_SERVER, "redis-url"],
    logger: "namespaces:logger",
    busy: SOCKETIO_BUSY,
  },
  "namespaces:app": {
    about: "The namespaces lesson's app: speak into /, /school and /home, lesson into /school.",
    port: 3000,
  },
  "namespaces:logger": { about: "Prints what the namespace / sends it.", port: 3000 },
  "namespaces:home-logger": { about: "Prints what the namespace /home sends it.", port: 3000 },
  "namespaces:school-logger": { about: "Prints what the namespace /school sends it.", port: 3000 },
  "namespaces:codefellows-logger": {
    about: "Joins the codefellows room of /school and prints what it is sent.",
    port: 3000,
  },
  "namespaces:busy-app": {
    about: "The busy store's app, into /store: a random kind of event every 200 ms.",
    port: 3000,
  },
  "namespaces:busy-listener": {
    about:
      "A listening app of the busy store: joins the room of the kind it cares about in /store.",
    port: 3000,
    also: ["cares"],
  },
  "namespaces:cluster": {
    about: "The namespaces lesson on two servers (PORT and the next) through a private Redis.",
    port: 3000,
  },
  "delivery:server": {
    about: "The delivery lesson's server: what a client missed while away, it gets when back.",
    port: 3000,
    also: [...SOCKETIO_SERVER, "redis-url", "sessions"],
    logger: "delivery:logger",
    busy: SOCKETIO_BUSY,
    privateRedis: true,
  },
  "delivery:app": {
    about: "The delivery lesson's app: speaks a record every 750 ms, sent again until received.",
    port: 3000,
  },
  "delivery:logger": {
    about: "Numbers every message it hears, and says which ids it missed or heard twice.",
    port: 3000,
  },
};

// How to run a script with these settings, in the flag form that every shell takes.
export function npmRun(script: string, { port, host }: { port?: number; host?: string } = {}) {
  const flags = [
    host ? ` --host ${host}` : "",
    port === SCRIPTS[script].port ? "" : ` --port ${port}`,
  ];
  return `npm run ${script}${flags.join("") ? ` --${flags.join("")}` : ""}`;
}
