// The Socket.IO Admin UI, served by the lesson's own server: who is connected, where, live.
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import type { IncomingMessage, Server as HttpServer, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { hostname } from "node:os";
import { dirname, extname, join, normalize } from "node:path";
import { instrument } from "@socket.io/admin-ui";
import bcrypt from "bcryptjs";
import type { Server } from "socket.io";
import type { Settings } from "./settings.ts";

const ADMIN_PATH = "/admin/";
const PACKAGE = createRequire(import.meta.url).resolve("@socket.io/admin-ui/package.json");
const UI = join(dirname(PACKAGE), "ui", "dist");
const TYPES: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".css": "text/css",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};
// The UI connects to the server that served it, without asking for its address.
const CONNECT_HERE = `<script>localStorage.setItem("server_url", location.origin)</script>`;

type AdminSettings = Pick<Settings, "adminUi" | "adminPassword">;

// ADMIN_UI=off turns it off; ADMIN_PASSWORD asks for a login (user admin) and allows changes.
export function serveAdminUi(io: Server, http: HttpServer, port: number, settings: AdminSettings) {
  const on = settings.adminUi !== "off";
  const password = settings.adminPassword;
  if (on) {
    instrument(io, {
      auth: password
        ? { type: "basic", username: "admin", password: bcrypt.hashSync(password, 10) }
        : false,
      readonly: !password, // else anyone who opens the page could disconnect the class
      mode: "development",
      serverId: `${hostname()}:${port}`,
    });
  }
  http.on("request", (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? "/").split("?")[0];
    if (path.startsWith("/socket.io/")) return; // Socket.IO answers those
    if (on && path === "/admin")
      return void response.writeHead(301, { location: ADMIN_PATH }).end();
    if (on && path.startsWith(ADMIN_PATH)) {
      return void sendFile(path.slice(ADMIN_PATH.length) || "index.html", response);
    }
    response.writeHead(404, { "content-type": "text/plain" });
    const orAdmin = on ? `, or open ${ADMIN_PATH}` : "";
    response.end(`This is a Socket.IO lesson server: connect a Socket.IO client${orAdmin}.\n`);
  });
  return on ? `${ADMIN_PATH}${password ? "" : " (read-only)"}` : undefined;
}

async function sendFile(name: string, response: ServerResponse) {
  const file = normalize(join(UI, name));
  const found = file.startsWith(UI) && (await stat(file).catch(() => undefined))?.isFile();
  if (!found) return void response.writeHead(404).end();
  response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
  if (name !== "index.html") return void createReadStream(file).pipe(response);
  response.end((await readFile(file, "utf8")).replace("<head>", `<head>${CONNECT_HERE}`));
}
