import { EventEmitter } from "node:events";
import { connect, type Socket } from "node:net";
import { createInterface } from "node:readline";
import { npmRun } from "../classroom/scripts.ts";
import type { Print } from "../classroom/terminal.ts";

const FIRST_RETRY_MS = 100; // a saved server is back within a second: retry soon, then back off
const LAST_RETRY_MS = 4000;

// Socket.IO reconnects by itself; on raw TCP we write it: retry, slower each time, and say so.
export class Connection extends EventEmitter<{ connect: []; line: [string]; retry: [ms: number] }> {
  connected = false;
  #socket!: Socket; // #open() sets it, from the constructor on
  #timer: NodeJS.Timeout | undefined;
  #delay = FIRST_RETRY_MS;
  #everConnected = false;
  #told = false; // once per outage, not once per try
  #closed = false;

  constructor(
    readonly host: string,
    readonly port: number,
    private readonly print: Print,
  ) {
    super();
    this.#open();
  }

  send(line: string): boolean {
    if (this.connected) this.#socket.write(line + "\n");
    return this.connected;
  }

  async close() {
    this.#closed = true;
    clearTimeout(this.#timer);
    if (this.#socket.destroyed || !this.connected) return void this.#socket.destroy();
    const closed = new Promise((done) => this.#socket.once("close", done)); // even after a reset
    this.#socket.end(); // a goodbye the server sees, rather than a reset
    this.#timer = setTimeout(() => this.#socket.destroy(), 1000); // if it never closes its side
    await closed; // and with it, connected is false
    clearTimeout(this.#timer);
  }

  #open() {
    const where = `${this.host}:${this.port}`;
    const socket = connect({ host: this.host, port: this.port, autoSelectFamily: true });
    this.#socket = socket;
    let code = "closed";
    socket.on("error", (error: NodeJS.ErrnoException) => (code = error.code ?? code));
    socket.on("connect", () => {
      [this.connected, this.#delay, this.#told] = [true, FIRST_RETRY_MS, false];
      this.print(`${this.#everConnected ? "back: reconnected" : "connected"} to ${where}`);
      this.#everConnected = true;
      this.emit("connect");
    });
    // TCP is a stream: one write can arrive in pieces, so buffer up to "\n"
    const lines = createInterface({ input: socket, crlfDelay: Infinity });
    lines.on("line", (line) => this.emit("line", line)).on("error", () => {}); // told on close
    socket.on("close", () => {
      const lost = this.connected;
      this.connected = false;
      const story = lost ? `lost the server at ${where}: retrying` : this.#explain(code, where);
      if (!this.#told && !this.#closed) this.print(story);
      this.#told = true;
      if (this.#closed) return;
      this.emit("retry", this.#delay);
      this.#timer = setTimeout(() => this.#open(), this.#delay);
      this.#delay = Math.min(this.#delay * 2, LAST_RETRY_MS);
    });
  }

  #explain(code: string, where: string) {
    if (code === "ENOTFOUND") return `unknown host "${this.host}": check --host (retrying)`;
    const start = npmRun("tcp:server", { port: this.port });
    if (code === "ECONNREFUSED") return `no server on ${where}: start it with ${start} (retrying)`;
    return `cannot reach ${where} (${code}): check --host and --port (retrying)`;
  }
}
