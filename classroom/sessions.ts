// Where the delivery lesson's server keeps a client's session while it is away: in Redis, which
// outlives the server, or in the server's own memory, which does not. REDIS_URL names a Redis;
// without one the server starts a private redis-server (npm run delivery:server gets one from its
// watcher instead, which outlives every save); without redis-server installed, memory it is.
import type { ChildProcess } from "node:child_process";
import { createClient } from "redis";
import { catchRejections, endClient } from "./redis-client.ts";
import { freePort, startRedisServer } from "./redis-server.ts";
import type { Settings } from "./settings.ts";
import type { Print } from "./terminal.ts";

type Where = Pick<Settings, "redisUrl" | "sessions">;

// Resolves with the Redis client for the adapter, or none for memory, and a close for after the
// server's: the sessions it saves as it closes are written before the client goes.
export async function keepSessions({ redisUrl, sessions }: Where, awayMs: number, print: Print) {
  const back = `a client back within ${awayMs / 1000} s gets what it missed`;
  const inMemory = `sessions in this server's memory: ${back}, but a restart loses them all`;
  const none = { redis: undefined, close: async () => {} };
  if (sessions === "memory") {
    print(inMemory);
    return none;
  }
  let url = redisUrl;
  let own: ChildProcess | undefined;
  if (!url) {
    const port = await freePort();
    const missing = (error: Error) => void print(`${error.message}; ${inMemory}`); // one line
    own = await startRedisServer(port).catch(missing);
    if (!own) return none;
    url = `redis://127.0.0.1:${port}`;
  }
  const { redis, close } = await connect(url, print);
  const [, version] = /redis_version:(\S+)/.exec(await redis.info("server")) ?? [];
  const [a, stops] = own ? ["a private ", ", which stops with this server"] : ["", ""];
  print(
    `sessions in ${a}Redis ${version} at ${url}${stops}: ${back}, across a restart too when the ` +
      "server stops gracefully (Ctrl-C, a save); a kill -9 loses the sessions of all its clients",
  );
  return {
    redis,
    close: async () => {
      await close(); // the adapter's own clients too, before their Redis goes
      own?.kill();
    },
  };
}

// A client that says once when it loses Redis, and once when it is back; meanwhile what the
// server sends waits in the client's queue, and goes out late rather than not at all.
async function connect(url: string, print: Print) {
  let ready = false;
  let lost = false;
  const redis = createClient({
    url,
    socket: {
      reconnectStrategy: (tries) => (ready ? Math.min(100 * 2 ** tries, 2000) : new Error("gone")),
    },
  });
  redis.on("error", () => {
    if (!ready || lost) return;
    lost = true;
    print(`lost Redis at ${url}: what is sent waits for it, and it is retried`);
  });
  redis.on("ready", () => {
    if (lost) print(`Redis at ${url} is back`);
    lost = false;
  });
  try {
    await redis.connect();
  } catch {
    const hint = "start it (redis-server), or run without --redis-url (REDIS_URL)";
    throw Object.assign(new Error(`no Redis at ${url}: ${hint}`), { code: "NO_REDIS" });
  }
  ready = true;
  // The adapter saves a session with SET, and publishes, without waiting for the answer: one lost
  // with Redis (told above) must not end the server as an unhandled rejection
  catchRejections(redis, "set", "publish");
  // The adapter ends the clients it makes with disconnect(), which rejects what they still wait
  // for, unhandled, when a server closes as it starts: close() ends each with endClient() instead.
  // Its stream reader sees that the server closed only when its XREAD returns, up to 5 s later:
  // close() ends that wait, and an XREAD asked for after it returns at once, with nothing.
  // One that Redis left before it connected never reaches the adapter: close() ends it.
  let closed = false;
  const clients: { ended: Promise<unknown>; stop: () => void }[] = [];
  const duplicate = redis.duplicate.bind(redis);
  redis.duplicate = ((...args: Parameters<typeof duplicate>) => {
    const client = duplicate(...args);
    catchRejections(client, "subscribe"); // nor as it subscribes with one
    let connected = false;
    let reading = false;
    let disconnected = () => {};
    const ended = new Promise<void>((done) => (disconnected = done)).then(() => endClient(client));
    const stop = () => {
      if (connected && !reading) return; // the adapter ends it
      client.destroy(); // what it waits for might never come
      if (!connected) disconnected(); // it never reaches the adapter
    };
    clients.push({ ended, stop });
    const connect = client.connect.bind(client);
    const xRead = client.xRead.bind(client);
    return Object.assign(client, {
      // resolves once connected: one that close() ended first leaves the adapter waiting
      connect: () =>
        new Promise((resolve) => {
          const handOver = () => {
            if (closed) return;
            connected = true;
            resolve(client);
          };
          connect().then(handOver, () => {}); // rejected only as close() ends it
        }),
      disconnect: async () => disconnected(),
      xRead: async (...read: Parameters<typeof xRead>) => {
        if (closed) return null;
        reading = true;
        return xRead(...read).finally(() => (reading = false)); // the adapter catches its error
      },
    });
  }) as typeof redis.duplicate;
  const close = async () => {
    closed = true;
    for (const client of clients) client.stop();
    await endClient(redis); // after what is under way, the sessions saved as the server closed
    await Promise.all(clients.map((client) => client.ended));
  };
  return { redis, close };
}

interface StreamsAdapter {
  restoreSession: (pid: string, offset: string) => Promise<unknown>;
  publishAndReturnOffset: (message: unknown) => Promise<string>;
}

// The Redis Streams adapter restores a session from what the stream holds, then Socket.IO adds
// the socket to its namespace; a broadcast of this server's that is written to the stream in
// between reaches neither, or both. So restoring and broadcasting take turns here: a restore waits
// until what is on its way to the stream has been delivered, and a broadcast waits until the
// restored socket is in. (One from another server, read from the stream, can still fall between.)
export function closeRestoreGap(adapter: unknown) {
  const streams = adapter as StreamsAdapter;
  const [restoring, publishing] = [turn(), turn()];
  const restore = streams.restoreSession.bind(streams);
  const publish = streams.publishAndReturnOffset.bind(streams);
  // A restore counts from when it is asked for, so that a broadcast after it waits its turn; it
  // reads the stream once what is on its way there has been delivered. Each check and its start
  // are one step, which nothing else can come between.
  streams.restoreSession = (pid, offset) =>
    restoring.run(async () => {
      while (publishing.busy()) await publishing.idle();
      return restore(pid, offset);
    });
  streams.publishAndReturnOffset = async (message) => {
    while (restoring.busy()) await restoring.idle();
    return publishing.run(() => publish(message));
  };
}

// Work of one kind under way: how much, and a promise for when there is none.
function turn() {
  let running = 0;
  let idle = Promise.resolve();
  let done = () => {};
  return {
    busy: () => running > 0,
    idle: () => idle,
    async run<T>(work: () => Promise<T>) {
      if (running++ === 0) idle = new Promise((resolve) => (done = resolve));
      try {
        return await work();
      } finally {
        // by the next turn of the event loop, what follows the work has run: the socket is in
        // its namespace, or the broadcast delivered to this server's own clients
        setImmediate(() => --running === 0 && done());
      }
    },
  };
}
