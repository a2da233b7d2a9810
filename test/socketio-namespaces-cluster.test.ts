import { once } from "node:events";
import { createServer, type AddressInfo } from "node:net";
import { io } from "socket.io-client";
import { test, vi } from "vitest";
import { startServer } from "../socketio-namespaces/server.ts";
import {
  ask,
  ioClient,
  recorder,
  redisClients,
  runScript,
  runScriptCommand,
  startRedis,
  upTo,
  type Context,
} from "./helpers.ts";
import { app, events, expectEachSlice, loggers } from "./namespaces.ts";

// Two servers of the namespaces lesson, A and B, sharing one real Redis.
async function cluster(t: Context & { skip: (note: string) => never }) {
  const redis = await startRedis(t);
  const [a, b] = await Promise.all(
    ["A", "B"].map(async (name) => {
      const log = recorder(`server ${name}`);
      const server = await startServer({ port: 0, print: log.line, redisUrl: redis.url });
      t.onTestFinished(server.close);
      return { ...server, log };
    }),
  );
  return { redis, a, b };
}

test.concurrent("each server says it uses the Redis adapter, and which Redis", async (t) => {
  const { redis, a, b } = await cluster(t);
  for (const { log } of [a, b]) {
    t.expect(log.lines[0]).toMatch(
      new RegExp(
        `^adapter: Redis \\d+\\.\\d+\\.\\d+ at ${redis.url}; every server using it acts as one$`,
      ),
    );
  }
});

test.concurrent(
  "the visibility matrix holds with the app on server A and every logger on server B",
  async (t) => {
    const { a, b } = await cluster(t);
    const everyLogger = await loggers(t, b.port); // ready before the app starts speaking
    await expectEachSlice(app(t, a.port), everyLogger);
  },
);

test.concurrent(
  "the visibility matrix holds with the app on server B and every logger on server A",
  async (t) => {
    const { a, b } = await cluster(t);
    const everyLogger = await loggers(t, a.port);
    await expectEachSlice(app(t, b.port), everyLogger);
  },
);

test.concurrent(
  "the codefellows room spans servers: a lesson through A reaches it on B, and no school logger anywhere",
  async (t) => {
    const { a, b } = await cluster(t);
    const onB = await loggers(t, b.port);
    const schoolOnA = (await loggers(t, a.port)).school;
    const teacher = await ioClient(t, a.port, "/school");
    teacher.socket.emit("lesson", "rooms span servers");
    teacher.socket.emit("speak", "sentinel");
    for (const logger of [onB.codefellows, onB.school, schoolOnA])
      await logger.heard.until(/"sentinel"$/);
    t.expect(events(upTo(onB.codefellows.heard.lines, /"sentinel"$/))).toEqual([
      `/school lesson from ${teacher.socket.id}: "rooms span servers"`,
      `/school message from ${teacher.socket.id}: "sentinel"`,
    ]);
    for (const logger of [onB.school, schoolOnA]) {
      t.expect(events(upTo(logger.heard.lines, /"sentinel"$/))).toEqual([
        `/school message from ${teacher.socket.id}: "sentinel"`,
      ]);
    }
  },
);

test.concurrent(
  "with Redis gone each server serves its own clients, says so once, and joins up again when it returns",
  async (t) => {
    const { redis, a, b } = await cluster(t);
    const [local, remote] = await Promise.all(
      [a.port, b.port].map((port) => loggers(t, port).then((logs) => logs.core)),
    );
    const speaker = await ioClient(t, a.port, "/");

    await redis.stop();
    for (const { log } of [a, b])
      await log.until(/^lost Redis at redis:\/\/\S+: serving this server's own clients only/, 5000);
    speaker.socket.emit("speak", "while Redis is down");
    await local.heard.until(/"while Redis is down"$/);

    await redis.start();
    for (const { log } of [a, b])
      await log.until(/^Redis at redis:\/\/\S+ is back: the servers act as one again$/, 10_000);
    // B subscribes again as it reconnects: speak until a message crosses, each try waited for with a timeout
    for (let attempt = 1; ; attempt++) {
      speaker.socket.emit("speak", `across, try ${attempt}`);
      const crossed = await remote.heard.until(new RegExp(`"across, try ${attempt}"$`), 500).then(
        () => true,
        () => false,
      );
      if (crossed) break;
      t.expect(attempt, "no message crossed from A to B after Redis came back").toBeLessThan(20);
    }
    t.expect(remote.heard.lines.filter((line) => line.includes("while Redis is down"))).toEqual([]); // at most once
    t.expect(a.log.lines.filter((line) => line.startsWith("lost Redis"))).toHaveLength(1);

    await redis.stop(); // the next outage is told too, once
    const told = (pattern: RegExp, times: number) => (lines: string[]) =>
      lines.filter((line) => pattern.test(line)).length === times;
    for (const { log } of [a, b]) await log.until(told(/^lost Redis at /, 2), 5000);
    await redis.start();
    for (const { log } of [a, b]) await log.until(told(/^Redis at \S+ is back/, 2), 10_000);
  },
);

test.concurrent("a closed server leaves no connection to Redis behind", async (t) => {
  const redis = await startRedis(t);
  const clients = await redisClients(t, redis.url);
  const server = await startServer({ port: 0, print: () => {}, redisUrl: redis.url });
  t.expect(await clients()).toBe("3"); // this one, and the server's publisher and subscriber
  await server.close();
  await vi.waitFor(async () => t.expect(await clients()).toBe("1"), { timeout: 5000 });
});

test.concurrent(
  "a server whose Redis is gone still closes, its adapter's subscriptions dropped without an error",
  async (t) => {
    const redis = await startRedis(t);
    const log = recorder("server");
    const server = await startServer({ port: 0, print: log.line, redisUrl: redis.url });
    t.onTestFinished(server.close);
    await redis.stop("SIGKILL"); // at once: what the adapter subscribed to may still be unanswered
    await log.until(/^lost Redis at /);
    await server.close(); // its unsubscribes, like those subscribes, would be unhandled rejections
  },
);

test.concurrent(
  "each server reports to the Admin UI under its own id, so either UI shows the whole cluster",
  async (t) => {
    const { a, b } = await cluster(t);
    // both UIs at once: each server reports every two seconds
    const seenBy = [a, b].map((server) => {
      const admin = io(`http://localhost:${server.port}/admin`, {
        forceNew: true,
        reconnection: false,
      });
      t.onTestFinished(() => void admin.disconnect());
      const seen = recorder("server ids");
      admin.on("server_stats", ({ serverId }: { serverId: string }) => seen.line(serverId));
      return seen;
    });
    const both = (ids: string[]) =>
      [a, b].every(({ port }) => ids.some((id) => id.endsWith(`:${port}`)));
    for (const seen of seenBy) {
      await seen.until(both, 6000);
      t.expect(new Set(seen.lines).size).toBe(2);
    }
  },
);

test.concurrent(
  "a receipt's heardBy counts the clients of the server that sent it, not the whole cluster",
  async (t) => {
    const { a, b } = await cluster(t);
    const onB = await loggers(t, b.port);
    const speaker = await ioClient(t, a.port, "/");
    const teacher = await ioClient(t, a.port, "/school");
    t.expect(await ask(speaker.socket, "speak", "counted on A")).toEqual({ ok: true, heardBy: 1 });
    t.expect(await ask(teacher.socket, "lesson", "counted on A")).toEqual({ ok: true, heardBy: 0 });
    await onB.core.heard.until(/"counted on A"$/); // yet it reached B's clients
    await onB.codefellows.heard.until(/lesson from \S+: "counted on A"$/);
  },
);

test.concurrent(
  "with no Redis at REDIS_URL the server says so in one line and exits, instead of running alone",
  { tags: ["processes"] },
  async (t) => {
    const nothingThere = await startServer({ port: 0, print: () => {} }); // a free port, closed again at once
    await nothingThere.close();
    const url = `redis://127.0.0.1:${nothingThere.port}`;
    const server = runScript(t, "socketio-namespaces/server.ts", { PORT: "0", REDIS_URL: url });
    const said = `no Redis at ${url}: start it (redis-server), or run without --redis-url (REDIS_URL)`;
    t.expect(await server.exitCode()).toBe(2);
    t.expect(server.out.lines).toEqual([said]);
    // npm run namespaces:server finds it before tsx watch, which would wait for a save
    const watched = runScriptCommand(t, "namespaces:server", ["--port", "0", "--redis-url", url]);
    t.expect(await watched.exitCode()).toBe(2);
    t.expect(watched.out.lines).toEqual([said]);
  },
);

test.concurrent(
  "a REDIS_URL at another server, or at a Redis that refuses, is one line before tsx watch",
  { tags: ["processes"] },
  async (t) => {
    // a lesson's TCP server answers a PING with an error line; a Redis with a password, -NOAUTH
    const answering = (answer: string) => async () => {
      const server = createServer((socket) => socket.on("data", () => socket.end(answer)));
      t.onTestFinished(() => void server.close());
      await once(server.listen(0, "127.0.0.1"), "listening");
      return `redis://127.0.0.1:${(server.address() as AddressInfo).port}`;
    };
    const other = await answering('error unknown event "PING"\n')();
    const locked = await answering("-NOAUTH Authentication required.\r\n")();
    const denied = await answering("-DENIED Redis is running in protected mode\r\n")();
    for (const [url, said] of [
      [other, `${other} is not a Redis: is it another server's port? Redis listens on 6379`],
      [denied, `the Redis at ${denied} says: DENIED Redis is running in protected mode`],
      [
        locked,
        `the Redis at ${locked} asks for a password: ${locked.replace("//", "//:password@")}`,
      ],
    ]) {
      const watched = runScriptCommand(t, "namespaces:server", ["--port", "0", "--redis-url", url]);
      t.expect(await watched.exitCode()).toBe(2);
      t.expect(watched.out.lines).toEqual([said]);
    }
  },
);
