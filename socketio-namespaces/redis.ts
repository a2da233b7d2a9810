// With REDIS_URL set, several servers act as one: every broadcast also goes through Redis to the other servers,
// which pass it to their own clients (namespaces and rooms included). Without it, this file is never loaded.
import { createAdapter } from "@socket.io/redis-adapter";
import { createClient } from "redis";

export async function connectRedis(url: string, print: (line: string) => void) {
  let ready = false;
  let lost = false;
  const pub = createClient({
    url,
    disableOfflineQueue: true, // while Redis is down, a publish fails now instead of arriving late: at most once
    socket: { reconnectStrategy: (retries) => (ready ? Math.min(100 * 2 ** retries, 2000) : new Error("unreachable")) },
  });
  const sub = pub.duplicate();
  sub.on("error", () => {}); // the publisher's story below is told once for both
  pub.on("error", () => {
    if (!ready || lost) return;
    lost = true;
    print(`lost Redis at ${url}: serving this server's own clients only, and retrying`);
  });
  pub.on("ready", () => {
    if (!lost) return;
    lost = false;
    print(`Redis at ${url} is back: the servers act as one again`);
  });
  try {
    await Promise.all([pub.connect(), sub.connect()]);
  } catch {
    await Promise.allSettled([pub.disconnect(), sub.disconnect()]);
    throw Object.assign(new Error(`no Redis at ${url}: start it (redis-server), or unset REDIS_URL for a single server`), {
      code: "NO_REDIS",
    });
  }
  ready = true;
  const publish = pub.publish.bind(pub);
  pub.publish = ((channel: string, message: string) => publish(channel, message).catch(() => 0)) as typeof pub.publish;
  const version = /redis_version:(\S+)/.exec(await pub.info("server"))?.[1];
  print(`adapter: Redis ${version} at ${url}; every server using it acts as one`);
  return {
    adapter: createAdapter(pub, sub),
    // quit lets what is under way finish; a client that cannot reach Redis just drops its connection
    close: () => Promise.allSettled([pub, sub].map((client) => (client.isReady ? client.quit() : client.disconnect()))),
  };
}
