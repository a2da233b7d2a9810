// The bench's clients, one publisher and N subscribers for each protocol, all written alike: a
// subscriber reads into one reused buffer and counts messages by their framing, without decoding
// them; only in a latency run does it read each message's send time, at a known place.
import { once } from "node:events";
import { connect, type Socket } from "node:net";

export const PAD = "x".repeat(80); // with the framing, a message is about 100 to 150 bytes
const STAMP = 14; // a message sent for latency starts with its send time, in 14 characters
export const stamped = () =>
  `${performance.now().toFixed(4).padStart(STAMP, "0")}${PAD.slice(STAMP)}`;

export interface Subscriber {
  count(): number;
  close(): void;
}
export interface Publisher {
  send(texts: string[]): void;
  close(): void;
}
// What a subscriber tells its driver: each message's send time, for latency; that it has read
export interface Watch {
  onSent?: (ms: number) => void;
  onRead?: () => void;
}
export interface Protocol {
  subscribe(port: number, watch?: Watch): Promise<Subscriber>;
  publish(port: number): Promise<Publisher>;
}
type Read = (chunk: Buffer) => void;

// A raw TCP client that reads into one reused buffer, so the driver spends little on what it gets.
async function tcpConnect(port: number, received: Read): Promise<Socket> {
  const buffer = Buffer.alloc(1 << 20);
  const onread = { buffer, callback: (n: number) => (received(buffer.subarray(0, n)), true) };
  const socket = connect({ port, host: "127.0.0.1", noDelay: true, onread });
  await once(socket, "connect");
  return socket;
}
const closing = (socket: Socket) => () => void socket.destroy();

// Messages of one length, one after another: the k-th starts at byte k × size.
function fixedFrames(size: number, stampAt: number, onSent?: (ms: number) => void) {
  let bytes = 0;
  let partial = Buffer.alloc(0);
  const read: Read = (chunk) => {
    bytes += chunk.length;
    if (!onSent) return;
    const data = partial.length ? Buffer.concat([partial, chunk]) : chunk;
    let start = 0;
    for (; start + size <= data.length; start += size)
      onSent(Number(data.toString("latin1", start + stampAt, start + stampAt + STAMP)));
    partial = Buffer.from(data.subarray(start));
  };
  return { read, count: () => Math.floor(bytes / size) };
}

// Raw TCP lines, as the TCP lesson speaks them.
const tcpLine = (text: string) => `create ${text}\n`;
export const tcp: Protocol = {
  async subscribe(port, { onSent, onRead } = {}) {
    const frames = fixedFrames(tcpLine(PAD).length, "create ".length, onSent);
    const socket = await tcpConnect(port, (chunk) => (frames.read(chunk), onRead?.()));
    return { count: frames.count, close: closing(socket) };
  },
  async publish(port) {
    const socket = await tcpConnect(port, () => {}); // the lesson server echoes to the sender too
    return {
      send: (texts) => void socket.write(texts.map(tcpLine).join("")),
      close: closing(socket),
    };
  },
};

// Redis pub/sub over its own protocol, RESP, written by hand: PUBLISH and SUBSCRIBE are all we need.
const resp = (...words: string[]) =>
  `*${words.length}\r\n${words.map((w) => `$${w.length}\r\n${w}\r\n`).join("")}`;
export const redis: Protocol = {
  async subscribe(port, { onSent, onRead } = {}) {
    const frame = resp("message", "events", PAD);
    const frames = fixedFrames(frame.length, frame.length - 2 - PAD.length, onSent);
    let reply = "*3\r\n$9\r\nsubscribe\r\n$6\r\nevents\r\n:1\r\n".length; // still to come
    let subscribed = () => {};
    const socket = await tcpConnect(port, (chunk) => {
      const skip = Math.min(reply, chunk.length);
      reply -= skip;
      if (reply === 0) subscribed();
      if (skip < chunk.length) frames.read(chunk.subarray(skip));
      onRead?.();
    });
    await new Promise<void>((done, failed) => {
      subscribed = done;
      socket.once("close", () => failed(new Error("Redis closed the subscriber")));
      socket.write(resp("SUBSCRIBE", "events"));
    });
    return { count: frames.count, close: closing(socket) };
  },
  async publish(port) {
    const socket = await tcpConnect(port, () => {}); // a reply per PUBLISH: how many got it
    return {
      send: (texts) => void socket.write(texts.map((t) => resp("PUBLISH", "events", t)).join("")),
      close: closing(socket),
    };
  },
};

// Socket.IO over a WebSocket, written by hand as well: an Engine.IO packet "4" holding a Socket.IO
// event "2", in text frames. What the lesson's server broadcasts has one length, since a socket id
// has 20 characters: a subscriber counts frames of that length and skips the rest (the connect).
const ID = "i".repeat(20);
const message = `42${JSON.stringify(["message", { from: ID, speech: PAD }])}`;
const stampInMessage = message.indexOf(PAD);
// A client's frame is masked; a mask of zeros leaves the text as it is, and a server takes it.
function clientFrame(text: string) {
  const length = Buffer.byteLength(text);
  const header = length < 126 ? [0x81, 0x80 | length] : [0x81, 0x80 | 126, length >> 8, length];
  return Buffer.concat([Buffer.from([...header, 0, 0, 0, 0]), Buffer.from(text)]);
}

function webSocketFrames(
  readsMessages: boolean,
  onMessage: (payload?: Buffer) => void,
  onOther: Read,
) {
  let rest = Buffer.alloc(0); // the start of a frame still coming, header and all
  let skip = 0; // bytes of a counted message still coming, which need no reading
  return (chunk: Buffer) => {
    const start = Math.min(skip, chunk.length);
    skip -= start;
    let data = rest.length ? Buffer.concat([rest, chunk.subarray(start)]) : chunk.subarray(start);
    while (data.length >= 4) {
      const short = data[1] & 0x7f;
      const [head, length] = short < 126 ? [2, short] : [4, data.readUInt16BE(2)]; // all < 64 KiB
      const end = head + length;
      const isMessage = length === message.length;
      if (data.length < end) {
        if (!isMessage || readsMessages) break; // read once it has all come
        onMessage();
        skip = end - data.length;
        data = data.subarray(data.length);
        break;
      }
      if (isMessage) onMessage(data.subarray(head, end));
      else onOther(data.subarray(head, end));
      data = data.subarray(end);
    }
    rest = data.length ? Buffer.from(data) : rest.subarray(0, 0);
  };
}

async function socketIoConnect(
  port: number,
  onMessage?: (payload?: Buffer) => void,
  reads = false,
) {
  let handshake = ""; // the server's answer to the upgrade, up to its blank line
  let upgraded = false;
  let connected: () => void = () => {};
  const frames = webSocketFrames(reads, onMessage ?? (() => {}), (payload) => {
    const packet = payload.toString("latin1", 0, 2);
    if (packet[0] === "0") socket.write(clientFrame("40")); // open: now connect to "/"
    if (packet === "40") connected(); // in the namespace "/"
  });
  const socket = await tcpConnect(port, (chunk) => {
    if (!upgraded) {
      const before = handshake.length;
      handshake += chunk.toString("latin1");
      const end = handshake.indexOf("\r\n\r\n");
      if (end < 0) return;
      const status = handshake.slice(0, handshake.indexOf("\r\n"));
      if (!status.startsWith("HTTP/1.1 101")) return void socket.destroy(new Error(status));
      upgraded = true;
      chunk = chunk.subarray(end + 4 - before);
    }
    frames(chunk);
  });
  const ready = new Promise<void>((done, failed) => {
    connected = done;
    socket.once("close", () => failed(new Error(`no Socket.IO connection: ${handshake}`)));
  });
  socket.write(
    `GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
      "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n" +
      "Sec-WebSocket-Key: YmVuY2ggd2Vic29ja2V0IQ==\r\n\r\n",
  );
  await ready;
  return socket;
}

export const socketIo: Protocol = {
  async subscribe(port, { onSent, onRead } = {}) {
    let count = 0;
    const socket = await socketIoConnect(
      port,
      (payload) => {
        count += 1;
        onSent?.(Number(payload?.toString("latin1", stampInMessage, stampInMessage + STAMP)));
        onRead?.();
      },
      onSent !== undefined,
    );
    return { count: () => count, close: closing(socket) };
  },
  async publish(port) {
    const socket = await socketIoConnect(port); // its own messages come back too, unread
    const speak = (text: string) => clientFrame(`42${JSON.stringify(["speak", text])}`);
    return {
      send: (texts) => void socket.write(Buffer.concat(texts.map(speak))),
      close: closing(socket),
    };
  },
};
