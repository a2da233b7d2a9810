import { EventEmitter } from "node:events";
import { connect, type Socket } from "node:net";

const FIRST_RETRY_MS = 250;
const LAST_RETRY_MS = 4000;

// Socket.IO reconnects by itself; over raw TCP we write it: retry with a growing delay, and say what happened.
export class Connection extends EventEmitter<{ connect: []; disconnect: []; line: [string] }> {
  connected = false;
  #socket: Socket | undefined;
  #timer: NodeJS.Timeout | undefined;
  #delay = FIRST_RETRY_MS;
  #everConnected = false;
  #told = false;
  #closed = false;

  constructor(
    readonly host: string,
    readonly port: number,
    private readonly print: (line: string) => void,
  ) {
    super();
    this.#open();
  }

  send(line: string): boolean {
    if (!this.connected) return false;
    this.#socket?.write(line + "\n");
    return true;
  }

  async close() {
    this.#closed = true;
    clearTimeout(this.#timer);
    const socket = this.#socket;
    if (!socket || socket.destroyed) return;
    const closed = new Promise((done) => socket.once("close", done));
    if (this.connected) socket.end();
    else socket.destroy();
    this.connected = false;
    await closed;
  }

  #open() {
    const socket = connect({ host: this.host, port: this.port, autoSelectFamily: true });
    this.#socket = socket;
    let failure: NodeJS.ErrnoException | undefined;
    socket.on("error", (error) => (failure = error));
    socket.on("connect", () => {
      this.connected = true;
      this.#delay = FIRST_RETRY_MS;
      this.#told = false;
      this.print(`${this.#everConnected ? "back: reconnected" : "connected"} to ${this.host}:${this.port}`);
      this.#everConnected = true;
      this.emit("connect");
    });
    let unfinished = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      const lines = (unfinished + chunk).split("\n");
      unfinished = lines.pop() ?? "";
      for (const line of lines) this.emit("line", line.replace(/\r$/, ""));
    });
    socket.on("close", () => {
      if (this.connected) {
        this.connected = false;
        this.print(`lost the server at ${this.host}:${this.port}: retrying`);
        this.emit("disconnect");
      } else if (!this.#told && !this.#closed) {
        this.print(this.#explain(failure));
      }
      this.#told = true;
      if (this.#closed) return;
      this.#timer = setTimeout(() => this.#open(), this.#delay);
      this.#delay = Math.min(this.#delay * 2, LAST_RETRY_MS);
    });
  }

  #explain(error: NodeJS.ErrnoException | undefined) {
    const where = `${this.host}:${this.port}`;
    if (error?.code === "ENOTFOUND") return `unknown host "${this.host}": check HOST (retrying)`;
    if (error?.code === "ECONNREFUSED") return `no server on ${where}: start it with npm run tcp:server (retrying)`;
    return `cannot reach ${where} (${error?.code ?? "closed"}): check HOST and PORT (retrying)`;
  }
}
