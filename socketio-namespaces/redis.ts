// With REDIS_URL set, several servers act as one: every broadcast also goes through Redis to the
// other servers, which pass it to their own clients (namespaces and rooms included). Without it,
// nothing of Redis is loaded, and the server keeps its pools in its own memory.
import { catchRejections, endClient } from "../classroom/redis-client.ts";
import type { Print } from "../classroom/terminal.ts";

export async function connectRedis(url: string | undefined, print: Print) {
  if (!url) return {};
  const { createClient } = await import("redis");
  const { createAdapter } = await import("@socket.io/redis-adapter");
  let ready = false;
  let lost = false;
  const pub = createClient({
    url,
    disableOfflineQueue: true, // while Redis is down, a publish fails now instead of arriving late
    socket: {
      reconnectStrategy: (tries) => (ready ? Math.min(100 * 2 ** tries, 2000) : new Error("gone")),
    },
  });
  const sub = pub.duplicate();
  sub.on("error", () => {}); // the publisher's story below is told once for both
  pub.on("error", () => {
    if (!ready || lost) return;
    lost = true;
    print(`lost Redis at ${url}: serving this server's own clients only, and retrying`);
  });
  pub.on("ready", async () => {
    if (!lost) return;
    // and subscribed again: only then are we one (not once(), which an error on the way rejects)
    if (!sub.isReady) await new Promise((done) => sub.once("ready", done));
    lost = false;
    print(`Redis at ${url} is back: the servers act as one again`);
  });
  try {
    await Promise.all([pub.connect(), sub.connect()]);
  } catch {
    // nothing to close: a client that failed to connect has given up, as its strategy says
    const hint = "start it (redis-server), or run without --redis-url (REDIS_URL)";
    throw Object.assign(new Error(`no Redis at ${url}: ${hint}`), { code: "NO_REDIS" });
  }
  ready = true;
  const publish = pub.publish.bind(pub); // at most once: a publish while Redis is down is dropped
  const dropWhileDown = (channel: string, message: string) =>
    publish(channel, message).catch(() => {});
  Object.assign(pub, { publish: dropWhileDown });
  // the adapter (un)subscribes without waiting: with Redis gone, the rejection would be no one's
  catchRejections(sub, "subscribe", "pSubscribe", "unsubscribe", "pUnsubscribe");
  const [, version] = /redis_version:(\S+)/.exec(await pub.info()) ?? [];
  print(`adapter: Redis ${version} at ${url}; every server using it acts as one`);
  return {
    adapter: createAdapter(pub, sub),
    close: () => Promise.all([pub, sub].map(endClient)), // after what is under way, if it can be
  };
}
