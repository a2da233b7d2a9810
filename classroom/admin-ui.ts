// The Socket.IO Admin UI, served by the lesson's own server: who is connected, where, live. Its
// icons and fonts are served from here too, so it needs no internet.
import { readFile, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { hostname } from "node:os";
import { dirname, extname, join, sep } from "node:path";
import { instrument } from "@socket.io/admin-ui";
import bcrypt from "bcryptjs";
import type { Server } from "socket.io";
import type { Settings } from "./settings.ts";
import { adminRefusal } from "./who-may-connect.ts";

const ADMIN_PATH = "/admin/";
const packageFolder = (name: string) =>
  dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
const UI = join(packageFolder("@socket.io/admin-ui"), "ui", "dist");
// Its icon font and Roboto, which it would fetch from two CDNs, come from npm packages instead
const VENDOR: Record<string, string> = {
  "vendor/mdi/": packageFolder("@mdi/font"),
  "vendor/roboto/": packageFolder("@fontsource/roboto"),
};
const CDN_LINKS = /<link rel="?stylesheet"? href="?https:\/\/[^>]*>/g;
const LOCAL_LINKS = [
  "vendor/mdi/css/materialdesignicons.min.css",
  ...[100, 300, 400, 500, 700, 900].map((weight) => `vendor/roboto/${weight}.css`),
].map((href) => `<link rel="stylesheet" href="${href}">`);
const TYPES: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".css": "text/css",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".ttf": "font/ttf",
};
// The UI connects to the server that served it, without asking for its address, and opens in its
// mode: read-only greys out "Join a room", which the server would ignore, and locks its switch. Its
// first try carries no login, so the dialog says "Invalid credentials" only once some were sent.
const SWITCH = ".v-navigation-drawer__append .v-input--switch:last-child"; // "Read-only?"
const LOCKED = `${SWITCH} { pointer-events: none; opacity: 0.6 } ${SWITCH} input { display: none }`;
const opening = (readonly: boolean) => `<script>
localStorage.setItem("server_url", location.origin);
localStorage.setItem("readonly", "${readonly}");
addEventListener("submit", () => document.documentElement.classList.add("sent"));
</script><style>
html:not(.sent) .v-dialog .red--text { display: none }
${readonly ? LOCKED : ""}
</style>`;

type AdminSettings = Pick<Settings, "adminUi" | "adminPassword">;

// ADMIN_UI=off turns it off; ADMIN_PASSWORD asks for a login (user admin) and allows changes.
// Returns what the server's first line says of it, and the handler of its pages.
export function serveAdminUi(io: Server, port: number, { adminUi, adminPassword }: AdminSettings) {
  if (adminUi === "off") return undefined;
  instrument(io, {
    auth: adminPassword
      ? { type: "basic", username: "admin", password: bcrypt.hashSync(adminPassword, 10) }
      : false,
    readonly: !adminPassword, // else anyone who opens the page could disconnect the class
    mode: "development",
    serverId: `${hostname()}:${port}`,
  });
  io.of("/admin").use((socket, next) => {
    const refusal = adminRefusal(socket.handshake.address, adminPassword);
    next(refusal ? new Error(refusal) : undefined);
  });
  const who = adminPassword ? "log in as admin" : "read-only, this machine only";
  const line = `${ADMIN_PATH} (${who})`;
  return {
    line,
    // the pages under /admin/, or undefined for a path that is not the Admin UI's
    serve(path: string, request: IncomingMessage, response: ServerResponse) {
      if (path === "/admin") return response.writeHead(301, { location: ADMIN_PATH }).end();
      if (!path.startsWith(ADMIN_PATH)) return undefined;
      const refusal = adminRefusal(request.socket.remoteAddress, adminPassword);
      const plain = { "content-type": "text/plain" };
      if (refusal) return response.writeHead(403, plain).end(`${refusal}\n`);
      void sendFile(path.slice(ADMIN_PATH.length) || "index.html", response, !adminPassword);
      return response;
    },
  };
}

async function sendFile(name: string, response: ServerResponse, readonly: boolean) {
  const prefix = Object.keys(VENDOR).find((folder) => name.startsWith(folder));
  const root = prefix ? VENDOR[prefix] : UI;
  const file = join(root, name.slice(prefix?.length ?? 0));
  // root + sep: "../dist-old/" must not pass for a folder inside dist/
  const found = file.startsWith(root + sep) && (await stat(file).catch(() => undefined))?.isFile();
  if (!found) return void response.writeHead(404).end();
  const body = await readFile(file).catch(() => undefined); // it can still fail, or be gone
  if (!body) return void response.writeHead(500).end();
  response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
  if (name !== "index.html") return void response.end(body);
  const page = String(body).replace("<head>", `<head>${opening(readonly)}`);
  response.end(page.replace(CDN_LINKS, "").replace("</head>", `${LOCAL_LINKS.join("")}</head>`));
}
