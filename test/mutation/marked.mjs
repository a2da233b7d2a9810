// @ts-check
// Mutants that no test can tell from the code as written, each marked with the reason. Most are
// equivalent (the change makes no difference anyone could see); the rest change only a timing, or
// what happens on a network other than loopback, where the tests may not go. The marks live here,
// not as comments in the lesson scripts, which the class reads. Stryker reports each as Ignored,
// with its reason, and leaves it out of the score; test/mutation/scores.ts lists any mark that no
// longer matches the code.
import { relative } from "node:path";
import { declareValuePlugin, PluginKind } from "@stryker-mutator/api/plugin";

// file, the code of the mutated node exactly as written, the code around it where the node's own
// code could be found elsewhere in the file, and why no test tells the mutant apart
/** @type {{ file: string, code: string, within?: string, why: string }[]} */
export const MARKED = [
  {
    file: "tcp-demo/server.ts",
    code: "{ noDelay: true }",
    why: "noDelay saves a lone small write some milliseconds: a latency, which no test times",
  },
  {
    file: "tcp-demo/server.ts",
    code: '""',
    within: '"text" in line ? line.text.split(" ", 1)[0] : ""',
    why: "the event of a line without text is never read",
  },
  {
    file: "tcp-demo/server.ts",
    code: '"data"',
    within: 'socket.removeAllListeners("data")',
    why:
      "the reader still holds the line that was too long, so what the client sends next is refused " +
      "with it; only a line after a newline in a later read would differ, and no test can split reads",
  },
  {
    file: "tcp-demo/server.ts",
    code: "socket.writableLength > MAX_UNSENT_BYTES",
    why:
      "the bound's own byte: no test can leave exactly 1 MiB unsent, as the kernel buffers a share; " +
      "a client under the bound and one over it are both tested",
  },
  {
    file: "tcp-demo/connection.ts",
    code: "this.connected",
    within: 'if (this.connected) this.#socket.write(line + "\\n");',
    why:
      "a line written while connecting would wait and go once connected: on loopback a connection " +
      "is made or refused before the app's next line",
  },
  {
    file: "tcp-demo/connection.ts",
    code: "autoSelectFamily: true",
    why: "it matters for a name with both IPv4 and IPv6 addresses; here localhost is 127.0.0.1 only",
  },
  {
    file: "tcp-demo/connection.ts",
    code: "this.connected",
    within:
      "if (this.connected)\n      this.#socket.end(); // a goodbye the server sees, rather than a reset\n" +
      "    else this.#socket.destroy();",
    why:
      "end() and destroy() look alike to a server on loopback unless unread bytes wait at the " +
      "client, which no test can time; and on loopback a connection attempt ends at once either way",
  },
  {
    file: "tcp-demo/connection.ts",
    code: "`cannot reach ${where} (${code}): check HOST and PORT (retrying)`",
    why: "codes other than a refusal or an unknown name need a network beyond loopback",
  },
  {
    file: "tcp-demo/connection.ts",
    code: 'code = "closed"',
    why: "on loopback a connection closed before it was made always comes with an error code",
  },
  {
    file: "tcp-demo/connection.ts",
    code: 'code === "ECONNREFUSED"',
    why:
      "codes other than a refusal or an unknown name need a network beyond loopback, so these two " +
      "are the lines tested",
  },
  {
    file: "classroom/commentary.ts",
    code: "summarising",
    within:
      "if (summarising) lines += 1;\n" +
      '      else say(`${label}: ${typeof data === "string" ? data : JSON.stringify(data)}`);',
    why:
      "say() counts the line and stays quiet during a flood as well; skipping it only spares the " +
      "formatting of each event, a speed, which npm run bench measures",
  },
  {
    file: "classroom/settings.ts",
    code: "/\\.(\\s|$)/",
    why: "the $ is for a parseArgs message that ends with a full stop; none of Node 20's does",
  },
  {
    file: "classroom/who-may-connect.ts",
    code: 'address = ""',
    why: "the default only turns no address into text; any text that is not an address is not loopback",
  },
  {
    file: "classroom/who-may-connect.ts",
    code: 'host = ""',
    why: "the default only turns no Host into text; any text that is no name of ours is refused",
  },
  {
    file: "classroom/who-may-connect.ts",
    code: "/^::ffff:/",
    why: "::ffff: followed by an IPv4 address can only begin an address: the ^ changes nothing",
  },
  {
    file: "classroom/who-may-connect.ts",
    code: "all ?? []",
    why: "networkInterfaces() has no empty entries: the ?? [] is for the type",
  },
  {
    file: "classroom/socketio-server.ts",
    code: 'request.url ?? "/"',
    why: "a request to a server always has a URL: the ?? is for the type",
  },
  {
    file: "socketio-namespaces/server.ts",
    code: '"/"',
    within: 'io.of("/")',
    why: 'Socket.IO reads the namespace "" as "/"',
  },
  {
    file: "socketio-namespaces/server.ts",
    code: "school.adapter.rooms.get(room)?.size",
    why: "the socket has just joined the room, so the room is there",
  },
  {
    file: "socketio-namespaces/redis.ts",
    code: "disableOfflineQueue: true",
    why:
      "a publish queued while Redis is down would go out as it comes back, before the other server " +
      "has subscribed again: no test can order the two, so it is lost either way",
  },
  {
    file: "socketio-namespaces/redis.ts",
    code: "Math.min(100 * 2 ** tries, 2000)",
    why: "how soon to try Redis again: a timing, which no test times",
  },
  {
    file: "socketio-namespaces/redis.ts",
    code: '"gone"',
    why: "the message is never shown: a server that cannot connect says so in its own line",
  },
  {
    file: "socketio-namespaces/redis.ts",
    code: 'sub.on("error", () => {})',
    why:
      "the adapter listens for errors on the subscriber too, once per namespace, so none goes " +
      "unhandled; this line says that its story is the publisher's to tell",
  },
  {
    file: "socketio-namespaces/redis.ts",
    code: "[]",
    within: "/redis_version:(\\S+)/.exec(await pub.info()) ?? []",
    why: "a Redis always says its version",
  },
  {
    file: "classroom/redis-server.ts",
    code: '"127.0.0.1"',
    within: 'createServer().listen(0, "127.0.0.1")',
    why: "a port free on every address is free on loopback too",
  },
  {
    file: "classroom/redis-server.ts",
    code: '"127.0.0.1"',
    within: 'connect(port, "127.0.0.1")',
    why: "connect() without a host goes to localhost, which is 127.0.0.1 here",
  },
  {
    file: "classroom/redis-server.ts",
    code: '{ stdio: "ignore" }',
    why: "where redis-server's own log goes: nowhere, or a pipe no one reads, which it never fills",
  },
  {
    file: "classroom/redis-server.ts",
    code: "tries < 100 && !missing && redis.exitCode === null",
    why: "how long to poll before giving up: a timing; what it gives up with is tested",
  },
  {
    file: "classroom/redis-server.ts",
    code: "tries++",
    why: "how long to poll before giving up: a timing; what it gives up with is tested",
  },
  {
    file: "classroom/redis-server.ts",
    code: "`redis-server did not start on port ${port}`",
    why: "a redis-server that exits as it starts: no test can make an installed one do so",
  },
  {
    file: "check/tcp.ts",
    code: "++readies",
    why: "a ready line needs only an id of its own: counting down gives each one too",
  },
  {
    file: "check/tcp.ts",
    code: '""',
    within: 'lines.pop() ?? ""',
    why: "split() always leaves a last piece: the default is for the type",
  },
  {
    file: "check/tcp.ts",
    code: '"utf8"',
    within: 'socket.setEncoding("utf8")',
    why: 'Node reads an empty encoding as "utf8"',
  },
  {
    file: "check/tcp.ts",
    code: "() => open.clear()",
    why: "leave() returns at once for a socket already closed, so clients kept after it do nothing",
  },
  {
    file: "check/tcp.ts",
    code: "true",
    within: "sender.socket.setNoDelay(true)",
    why:
      "Nagle's algorithm holds a small write only while an earlier one is unacknowledged: the " +
      "line's second piece goes 100 ms after its first, either way",
  },
  {
    file: "check/tcp.ts",
    code: "!dropped",
    within: "if (!dropped) slow.socket.resetAndDestroy();",
    why:
      "a client the server kept goes at once, or a second later as leave() destroys it: a " +
      "timing; a reset to one already dropped does nothing",
  },
  {
    file: "check/report.ts",
    code: '{ ...WEBSOCKET, transports: ["polling", "websocket"] }',
    why:
      "through a proxy that passes no WebSocket, the client's defaults (polling first, and the " +
      "namespaces checker's clients on one connection) check the same; only the CPU and the time differ",
  },
  {
    file: "check/report.ts",
    code: '"websocket"',
    within: '["polling", "websocket"]',
    why: "where WebSocket did not get through, an upgrade to it fails: polling carries the checks",
  },
  {
    file: "check/report.ts",
    code: "/^\\[(.*)\\]$/",
    why: "an IPv6 address in --url: the tests stay on 127.0.0.1",
  },
  {
    file: "check/report.ts",
    code: 'code === "ABORT_ERR"',
    why: "a host that never answers a connection, not even with a refusal: beyond loopback",
  },
  {
    file: "check/report.ts",
    code: "`no answer in ${wait / 1000} s`",
    why: "a host that never answers a connection, not even with a refusal: beyond loopback",
  },
  {
    file: "check/report.ts",
    code: "wait / 1000",
    within: "`no answer in ${wait / 1000} s`",
    why: "a host that never answers a connection, not even with a refusal: beyond loopback",
  },
  {
    file: "check/report.ts",
    code: '"$1"',
    why: "an IPv6 address in --url: the tests stay on 127.0.0.1",
  },
  {
    file: "check/report.ts",
    code: 'protocol === "https:"',
    why: "a URL with no port: 80 or 443, where no test may listen",
  },
  {
    file: "check/report.ts",
    code: '"https:"',
    why: "a URL with no port: 80 or 443, where no test may listen",
  },
  {
    file: "check/socketio.ts",
    code: "true",
    within: "forceNew: true",
    why:
      "io() gives a client a connection of its own whenever its manager already has a socket for " +
      "the namespace, and all of a run are in one: all but the first to each server address get " +
      "one either way, and that first has the manager to itself",
  },
  {
    file: "socketio-namespaces/busy-listener.ts",
    code: "{ forceNew: true }",
    why:
      "every client of a process that a listening app shares is in /store, and io() gives each " +
      "after the first a connection of its own either way; the first has the manager to itself",
  },
  {
    file: "classroom/sessions.ts",
    code: "{ redis: undefined, close: async () => {} }",
    why: "the server reads redis, undefined either way, and calls close with ?.(): none is the same",
  },
  {
    file: "classroom/sessions.ts",
    code: "Math.min(100 * 2 ** tries, 2000)",
    why: "how soon to try Redis again: a timing, which no test times; that it comes back is tested",
  },
  {
    file: "classroom/sessions.ts",
    code: "100 * 2 ** tries",
    why: "how soon to try Redis again: a timing, which no test times; that it comes back is tested",
  },
  {
    file: "classroom/sessions.ts",
    code: '"gone"',
    why: "the message is never shown: a server that cannot connect says so in its own line",
  },
  {
    file: "classroom/sessions.ts",
    code: "[]",
    within: '/redis_version:(\\S+)/.exec(await redis.info("server")) ?? []',
    why: "a Redis always says its version",
  },
  {
    file: "classroom/redis-client.ts",
    code: "{ ref: false }",
    why:
      "the bound on a close is awaited either way; a timer that holds the event loop only keeps " +
      "a process alive after its last close, which a child process shows, where no mutant is on",
  },
];

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, "marked", {
    // path is Babel's NodePath, whose types Stryker does not ship
    shouldIgnore(/** @type {any} */ path) {
      const file = relative(process.cwd(), path.hub?.file?.opts?.filename ?? "");
      const mark = MARKED.find(
        ({ file: marked, code, within }) =>
          marked === file &&
          path.getSource() === code &&
          (within === undefined || path.parentPath?.getSource() === within),
      );
      return mark?.why;
    },
  }),
];
