// Who may connect, from where. A lesson server answers only to this machine's own names, so that a
// page on another site whose name is made to point at 127.0.0.1 (DNS rebinding) cannot pass for one
// of ours; other sites' pages need to be on CORS_ORIGINS. The Admin UI shows every client, so
// without a password it answers only to this machine itself.
import type { IncomingMessage } from "node:http";
import { isIPv4 } from "node:net";
import { hostname, networkInterfaces } from "node:os";
import type { ServerOptions } from "socket.io";
import type { Settings } from "./settings.ts";
import { shallowParser } from "./shallow.ts";

const DEFAULT_ORIGINS = "https://amritb.github.io,http://localhost:*,http://127.0.0.1:*";
const SECRETS = ["cookie", "authorization", "proxy-authorization"]; // never shown in the Admin UI

// CORS_ORIGINS: web pages allowed to connect, comma-separated, "*" for any part or any page.
function originListed(list = DEFAULT_ORIGINS) {
  const patterns = list
    .split(",")
    .map((origin) => origin.trim())
    .map((origin) => {
      if (origin === "*") return /^/; // any page at all
      const escaped = origin.replace(/[.+?^${}()|[\]\\/]/g, "\\$&");
      return new RegExp(`^${escaped.replaceAll("*", "[\\w.:-]*")}$`); // * within a part of it
    });
  // no Origin is no page: whether such a request may come is for the Host to say
  return (origin?: string) => origin !== undefined && patterns.some((p) => p.test(origin));
}

export function isLoopback(address = "") {
  const v4 = address.replace(/^::ffff:/, ""); // an IPv4 address as IPv6 shows it
  return address === "::1" || (isIPv4(v4) && v4.startsWith("127."));
}

// Whether a Host header names this machine: localhost, a loopback address, its host name, the HOST
// it listens on, or one of its addresses as they are now, since they change with the Wi-Fi.
export function thisMachine(listensOn?: string) {
  return (host = "") => {
    const name = (/^\[(.*)\](:\d+)?$/.exec(host)?.[1] ?? host.replace(/:\d+$/, "")).toLowerCase();
    const named = (other?: string) => other?.toLowerCase() === name;
    if (isLoopback(name) || ["localhost", hostname(), listensOn].some(named)) return true;
    const addresses = Object.values(networkInterfaces()).flatMap((all) => all ?? []);
    return addresses.some((a) => named(a.address)); // read when asked: cheap, and never stale
  };
}

// Options for new Server(): who may connect over polling (CORS) and WebSocket (which skips CORS),
// and on what terms: with data no deeper than a lesson's (shallow.ts).
export function whoMayConnect({
  corsOrigins,
  host,
}: Partial<Settings> = {}): Partial<ServerOptions> {
  const listed = originListed(corsOrigins);
  const ours = thisMachine(host);
  const allowed = ({ headers }: IncomingMessage) => {
    const { origin } = headers;
    if (listed(origin)) return true; // a page on the list
    // no origin: not a browser, or a page of the server's own, as is an origin equal to the host
    return ours(headers.host) && (origin === undefined || origin === `http://${headers.host}`);
  };
  return {
    cors: { origin: (origin, callback) => callback(null, listed(origin)) },
    allowRequest: (request, callback) => {
      for (const secret of SECRETS) delete request.headers[secret]; // no lesson needs them
      callback(null, allowed(request));
    },
    parser: shallowParser,
  };
}

// Without a password the Admin UI is read-only, and for this machine only: it shows every client's
// handshake, and in its development mode every event.
export function adminRefusal(peer: string | undefined, password: string | undefined) {
  if (password || isLoopback(peer)) return undefined;
  return (
    "From another machine the Admin UI needs a password: start the server with npm run " +
    "socketio:server -- --admin-password … (or namespaces:server), then log in as admin."
  );
}
