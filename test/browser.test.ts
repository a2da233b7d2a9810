import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { chromium, type Browser } from "playwright-core";
import type { Server } from "socket.io";
import { beforeAll, expect, test } from "vitest";
import type { Options } from "../classroom/settings.ts";
import { startApp } from "../socketio-namespaces/app.ts";
import { startLogger as startCodefellowsLogger } from "../socketio-namespaces/codefellows-logger.ts";
import { startLogger as startHomeLogger } from "../socketio-namespaces/home-logger.ts";
import { startLogger as startCoreLogger } from "../socketio-namespaces/logger.ts";
import { startLogger as startSchoolLogger } from "../socketio-namespaces/school-logger.ts";
import { startServer } from "../socketio-namespaces/server.ts";
import { startServer as startDemoServer } from "../socketio-demo/server.ts";
import { startLogger as startDemoLogger } from "../socketio-demo/logger.ts";
import { startApp as startDemoBusyApp } from "../socketio-demo/busy-app.ts";
import { startApp as startBusyApp } from "../socketio-namespaces/busy-app.ts";
import { ioClient, joinedRoom, recorder, runScript, type Context } from "./helpers.ts";

const CHROMIUM = "/usr/bin/chromium";
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
// Pictures land in screenshots/latest/, which git ignores, so a test run leaves the tree clean. UPDATE_SCREENSHOTS=1
// writes them one folder up instead, where the three the lesson READMEs show live.
const SHOTS = new URL(
  process.env.UPDATE_SCREENSHOTS ? "screenshots/" : "screenshots/latest/",
  import.meta.url,
);

let browser: Browser;
beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium`);
    return;
  }
  await mkdir(SHOTS, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  return () => browser.close();
});

async function page(t: Context & { skip: (note: string) => never }, height = 800, width = 1280) {
  if (!browser) t.skip(`no Chromium at ${CHROMIUM} (apt-get install chromium)`);
  // in UTC, so a record's time reads the same on every machine: #7 created 14:48:32
  const tab = await browser.newPage({ viewport: { width, height }, timezoneId: "UTC" });
  tab.setDefaultTimeout(10_000);
  t.onTestFinished(() => tab.close());
  return tab;
}

// The dashboard's charts animate in: take pictures until two in a row are the same, then keep that one.
async function stillScreenshot(tab: Awaited<ReturnType<typeof page>>, name: string) {
  let previous: Buffer | undefined;
  for (let tries = 0; tries < 50; tries++) {
    const shot = await tab.screenshot();
    if (previous?.equals(shot)) return writeFile(new URL(name, SHOTS), shot);
    previous = shot;
  }
  throw new Error(`the page never stood still for a screenshot (${name})`);
}

async function namespacesLesson(t: Context, settings: Options = {}) {
  const quiet = () => {};
  const server = await startServer({ port: 0, print: quiet, ...settings });
  t.onTestFinished(server.close);
  const joined = joinedRoom(server.io.of("/school").adapter, "codefellows");
  const codefellows = startCodefellowsLogger({ port: server.port, print: quiet });
  const loggers = [startCoreLogger, startHomeLogger, startSchoolLogger].map((start) =>
    start({ port: server.port, print: quiet }),
  );
  const app = startApp({ port: server.port, print: quiet });
  for (const client of [codefellows, ...loggers, app]) t.onTestFinished(client.close);
  await joined;
  return { server, codefellows, school: loggers[2], app };
}

test("the Admin UI loads from the lesson server and shows the namespaces, the room and every socket", async (t) => {
  const { server, codefellows } = await namespacesLesson(t);
  const tab = await page(t);
  await tab.goto(`http://localhost:${server.port}/admin/`);
  await tab.getByText("connected", { exact: true }).first().waitFor();
  // The dashboard's namespace table: the app and one logger in /, the app and two loggers in /school, ...
  await expect
    .poll(() => tab.locator("body").innerText(), { timeout: 10_000 })
    .toMatch(/Namespaces\s+Name\s+# of sockets\s+\/\s+2\s+\/home\s+2\s+\/school\s+3\s/);
  await stillScreenshot(tab, "admin-ui.png"); // the one the namespaces README shows

  await tab.goto(`http://localhost:${server.port}/admin/#/rooms/`);
  await tab.getByLabel("Select namespace").click({ force: true });
  await tab.getByRole("option", { name: "/school" }).click();
  await expect
    .poll(() => tab.locator("tbody").innerText(), { timeout: 10_000 })
    .toMatch(/codefellows\s+PUBLIC\s+1/);
  await stillScreenshot(tab, "admin-ui-rooms.png");

  await tab.goto(
    `http://localhost:${server.port}/admin/#/n/%2Fschool/sockets/${codefellows.socket.id}`,
  );
  await expect
    .poll(() => tab.locator("body").innerText(), { timeout: 10_000 })
    .toContain("codefellows");
});

// The school logger's page in the Admin UI, which has a "Join a room" box.
async function schoolLoggerPage(tab: Awaited<ReturnType<typeof page>>, port: number, id?: string) {
  await tab.getByText("connected", { exact: true }).first().waitFor();
  // the same page, another view
  await tab.goto(`http://localhost:${port}/admin/#/n/%2Fschool/sockets/${id}`);
  await tab.getByLabel("Join a room").waitFor({ state: "attached" });
}

test("without a password the Admin UI opens read-only and offers no join", async (t) => {
  const { server, school } = await namespacesLesson(t);
  const tab = await page(t);
  await tab.goto(`http://localhost:${server.port}/admin/`);
  await schoolLoggerPage(tab, server.port, school.socket.id);
  expect(await tab.getByLabel("Join a room").isDisabled()).toBe(true); // the server would ignore it
  await tab.getByText("Read-only?").click({ force: true }); // locked: a click does nothing
  expect(await tab.getByLabel("Join a room").isDisabled()).toBe(true);
  await stillScreenshot(tab, "admin-ui-read-only.png");
});

test("with ADMIN_PASSWORD the login opens clean; once in, the UI can join", async (t) => {
  const { server, codefellows, school } = await namespacesLesson(t, {
    adminPassword: "open sesame",
  });
  const tab = await page(t);
  await tab.goto(`http://localhost:${server.port}/admin/`);
  // The dialog opens once the UI's own first try, with no login, is refused: nothing typed yet.
  await tab.getByLabel("Username").waitFor();
  expect(await tab.getByText("Invalid credentials").isVisible()).toBe(false);
  await stillScreenshot(tab, "admin-ui-login.png");
  await tab.getByLabel("Username").fill("admin");
  await tab.getByLabel("Password").fill("open sesame?");
  await tab.getByRole("button", { name: "Connect" }).click();
  await tab.getByText("Invalid credentials").waitFor();
  await tab.getByLabel("Password").fill("open sesame");
  await tab.getByRole("button", { name: "Connect" }).click();

  await schoolLoggerPage(tab, server.port, school.socket.id);
  const joined = joinedRoom(server.io.of("/school").adapter, "codefellows");
  await tab.getByLabel("Join a room").click({ force: true });
  await tab.getByRole("option", { name: "codefellows" }).click();
  await tab.locator("form:has(.select-room) button[type=submit]").click();
  await joined;
  expect([...(server.io.of("/school").adapter.rooms.get("codefellows") ?? [])].sort()).toEqual(
    [codefellows.socket.id, school.socket.id].sort(),
  );
});

// A page from another origin: served on a second local port, it loads the client from the lesson server.
async function pageServer(t: Context, lessonPort: number) {
  const http = createServer((_, response) =>
    response.writeHead(200, { "content-type": "text/html" }).end(`<!doctype html>
<script src="http://localhost:${lessonPort}/socket.io/socket.io.js"></script>
<script>
  window.receipts = [];
  const socket = io("http://localhost:${lessonPort}", { reconnection: false });
  socket.on("connect", () => {
    socket.emit("speak", "hello from a browser", (receipt) => window.receipts.push(receipt));
    socket.emit("speak", { id: 7, change: "created" }, (receipt) => window.receipts.push(receipt));
    document.title = "connected";
  });
  socket.on("connect_error", (error) => (document.title = "refused: " + error.message));
</script>`),
  );
  http.listen(0, "127.0.0.1");
  await once(http, "listening");
  t.onTestFinished(() => new Promise<void>((done) => http.close(() => done())));
  return (http.address() as AddressInfo).port;
}

// The first lesson's server, with a logger connected to it.
async function demoLesson(t: Context) {
  const server = await startDemoServer({ port: 0, print: () => {} });
  t.onTestFinished(server.close);
  const heard = recorder("logger");
  const logger = startDemoLogger({ port: server.port, print: heard.line });
  t.onTestFinished(logger.close);
  await heard.until(/^connected/);
  return { server, heard };
}

test("CORS in a real browser: a page on another local origin connects and speaks; an origin off the list cannot", async (t) => {
  const { server, heard } = await demoLesson(t);
  const port = await pageServer(t, server.port);
  const tab = await page(t);

  await tab.goto(`http://127.0.0.1:${port}/`); // allowed by default: http://127.0.0.1:*
  await tab.waitForFunction(
    () => (window as unknown as { receipts: unknown[] }).receipts.length === 2,
  );
  await heard.until(/"created"/);
  expect(heard.lines.slice(1).map((l) => l.replace(/from \S+:/, "from ID:"))).toEqual([
    'message from ID: "hello from a browser"',
    'message from ID: {"id":7,"change":"created"}',
  ]);

  const outsider = await page(t);
  await outsider.goto(`http://outsider.localhost:${port}/`); // another origin, not on the list
  await outsider.waitForFunction(() => document.title.startsWith("refused"));
  expect(await outsider.title()).toMatch(/^refused: /);
});

test(
  "Ctrl-C stops a server even while the Admin UI is open in a browser",
  { tags: ["processes"] },
  async (t) => {
    const server = runScript(t, "socketio-namespaces/server.ts", { PORT: "0" });
    const port = /listening on port (\d+)/.exec(
      (await server.out.until(/listening on port \d+/)).join("\n"),
    )?.[1];
    const tab = await page(t);
    await tab.goto(`http://localhost:${port}/admin/`);
    await tab.getByText("connected", { exact: true }).first().waitFor();
    expect(await server.stop()).toBe(0);
    await tab.getByText("disconnected", { exact: true }).first().waitFor();
  },
);

// Every request a page makes, so a test can prove that none leaves the server it came from.
function requestsOf(tab: Awaited<ReturnType<typeof page>>) {
  const urls: string[] = [];
  tab.on("request", (request) => void urls.push(request.url()));
  return urls;
}

// What the server answered to each request, "204 /favicon.ico": Playwright does not report the
// icon a browser asks for by itself, and a 404 for it is an error in the browser's console.
function answersOf(io: Server) {
  const answers = recorder("the server's answers");
  io.httpServer.on("request", (request, response) =>
    response.on("finish", () => answers.line(`${response.statusCode} ${request.url}`)),
  );
  return answers;
}
const failed = (answer: string) => Number(answer.split(" ")[0]) >= 400;

test("the demo page is one more client: it shows a message a Node client speaks, and its own Speak", async (t) => {
  const { server, heard } = await demoLesson(t);
  const tab = await page(t);
  const requests = requestsOf(tab);
  const answers = answersOf(server.io);
  await tab.goto(`http://localhost:${server.port}/`);
  await tab.getByText(/^connected as /).waitFor();
  const line = (words: string | RegExp) => tab.locator("li summary", { hasText: words });
  await tab.locator("li.mine summary", { hasText: /^welcome: I am \S+, 2 connected$/ }).waitFor();

  const speaker = await ioClient(t, server.port);
  speaker.socket.emit("speak", { id: 7, change: "created", at: "2026-11-22T14:48:32.925Z" });
  await line(`message #7 created 14:48:32 from ${speaker.socket.id}`).waitFor();

  await tab.getByLabel("Speak").fill('{"id":8,"change":"updated"}'); // a record: sent as one
  await tab.getByRole("button", { name: "Speak" }).click();
  await tab.locator("li.mine summary", { hasText: "speak #8 updated → heard by 3" }).waitFor();
  await tab.getByLabel("Speak").fill("hello from a page"); // not a record: sent as text
  await tab.getByRole("button", { name: "Speak" }).click();
  await heard.until(/"hello from a page"$/);
  expect(heard.lines.slice(1).map((l) => l.replace(/from \S+:/, "from ID:"))).toEqual([
    'message from ID: {"id":7,"change":"created","at":"2026-11-22T14:48:32.925Z"}',
    'message from ID: {"id":8,"change":"updated"}',
    'message from ID: "hello from a page"',
  ]);
  await line(/^message "hello from a page" from /).waitFor();
  await stillScreenshot(tab, "demo-page.png");
  expect(requests.filter((url) => !url.startsWith(`http://localhost:${server.port}/`))).toEqual([]);
  await answers.until(/ \/favicon\.ico$/); // the browser asks for it by itself
  expect(answers.lines.filter(failed)).toEqual([]);

  await server.close(); // a restart: the page says it lost the server, and that it is back
  await tab.getByText(/^lost the server \(transport close\): reconnecting…$/).waitFor();
  const again = await startDemoServer({ port: server.port, print: () => {} });
  t.onTestFinished(again.close);
  await tab.getByText(/^back: reconnected as /).waitFor();
});

test("the namespaces page shows the four loggers' slices, both ways, and recovers from a restart", async (t) => {
  const { server, app } = await namespacesLesson(t);
  const tab = await page(t, 720); // what a projector shows
  const requests = requestsOf(tab);
  const answers = answersOf(server.io);
  await tab.goto(`http://localhost:${server.port}/`);
  const pane = (logger: string) => tab.locator(`[data-logger="${logger}"]`);
  const kinds = async (logger: string) =>
    new Set(
      (await pane(logger).locator("li summary").allTextContents()).map((l) => l.split(" ")[0]),
    );
  await pane("codefellows-logger").getByText("joined room codefellows").waitFor();
  await pane("codefellows-logger").locator("li.lesson").first().waitFor();
  for (const logger of ["logger", "home-logger"])
    await pane(logger).locator("li.message").first().waitFor();
  // the sentinel: a /school message sent after the lessons, which the school pane would get after them
  app.sockets["/school"].emit("speak", "sentinel");
  for (const logger of ["school-logger", "codefellows-logger"]) {
    await pane(logger)
      .getByText(/^message "sentinel" from /)
      .waitFor();
  }
  for (const logger of ["logger", "home-logger", "school-logger"])
    expect(await kinds(logger), logger).toEqual(new Set(["welcome:", "message"]));
  expect(await kinds("codefellows-logger")).toEqual(
    new Set(["welcome:", "joined", "message", "lesson"]),
  );
  await stillScreenshot(tab, "namespaces-page.png");
  expect(requests.filter((url) => !url.startsWith(`http://localhost:${server.port}/`))).toEqual([]);
  await answers.until(/ \/favicon\.ico$/);
  expect(answers.lines.filter(failed)).toEqual([]);

  await server.close();
  await pane("logger")
    .getByText(/^lost the server/)
    .waitFor();
  const again = await startServer({ port: server.port, print: () => {} });
  t.onTestFinished(again.close);
  for (const logger of ["logger", "home-logger", "school-logger", "codefellows-logger"]) {
    await pane(logger)
      .getByText(/^back: reconnected as /)
      .waitFor();
  }
  await expect
    .poll(() => pane("codefellows-logger").getByText("joined room codefellows").count())
    .toBe(2); // it joined its room again
});

// Both lesson pages are read on a projector, and hold the same rules. The floor for their text at
// 1920×1080 is 28px, 1/38 of the screen's height. A training room's principal viewer sits about 4
// screen heights away, its furthest 6 (Musgrave, "Legibility of Projected Information"). From 4, a
// capital of a 28px font (0.73 em, 20px of 1080) subtends 16 minutes of arc, the least ISO 9241-3
// allows for reading; from 6 it subtends 11, twice what 20/20 vision makes out.
const FLOOR_PX = 28;
const overflowing = (tab: Awaited<ReturnType<typeof page>>) =>
  tab.evaluate(() =>
    [document.documentElement, ...document.body.querySelectorAll("*")]
      .filter((box) => box.scrollWidth > box.clientWidth && box.clientWidth > 0)
      .map((box) => `${box.tagName} ${box.className}: ${box.scrollWidth} > ${box.clientWidth}`),
  );
const smallestText = (tab: Awaited<ReturnType<typeof page>>) =>
  tab.evaluate(() => {
    const texts = [...document.body.querySelectorAll("*")].filter(
      (box) =>
        box.checkVisibility() &&
        (box.matches("input") ||
          [...box.childNodes].some((node) => node.nodeType === 3 && node.textContent?.trim())),
    );
    return Math.min(...texts.map((box) => parseFloat(getComputedStyle(box).fontSize)));
  });

test("both lesson pages: newest line on top and in view, records in words with the payload a click away, one rule for text and records, no overflow at 1024×768, large text at 1920×1080", async (t) => {
  for (const [lesson, start] of [
    ["demo", startDemoServer],
    ["namespaces", startServer],
  ] as const) {
    const server = await start({ port: 0, print: () => {} });
    t.onTestFinished(server.close);
    const tab = await page(t, 768, 1024);
    await tab.goto(`http://localhost:${server.port}/`);
    const list = tab.locator("ul, ol").first(); // the demo's one list, the namespaces page's / pane
    await list.locator("summary", { hasText: /^welcome: / }).waitFor();
    const speaker = await ioClient(t, server.port); // in / on both lessons' servers
    const at = "2026-11-22T14:48:32.925Z";
    for (let id = 101; id <= 140; id++) speaker.socket.emit("speak", { id, change: "updated", at });
    const record = list.locator("li", { hasText: `message #140 updated 14:48:32 from ` });
    await record.waitFor();

    // typed into the page: text unless it parses as a record, with an id and a change
    const box = tab.getByLabel("Speak").first();
    for (const typed of ['{"hello":"world"}', '{"id":8,"change":"updated"}']) {
      await box.fill(typed);
      await box.press("Enter");
    }
    const mine = list.locator("li.mine summary");
    await mine.filter({ hasText: /^speak #8 updated → heard by 2$/ }).waitFor();
    await mine.filter({ hasText: /^speak "\{"hello":"world"\}" → heard by 2$/ }).waitFor();
    await speaker.heard.until(/"id":8/);
    const spoken = speaker.heard.lines.filter((line) => line.startsWith("message "));
    expect(spoken.slice(-2).map((line) => JSON.parse(line.slice(8))[0].speech)).toEqual([
      '{"hello":"world"}',
      { id: 8, change: "updated" },
    ]);

    // the newest on top, and the page's own Speak in view, with 42 lines below it
    const lines = list.locator("li summary");
    expect(await lines.first().textContent(), lesson).toMatch(/^message #8 updated from \S+$/);
    expect(await lines.count()).toBeGreaterThan(40);
    const { y, height } = (await mine.first().boundingBox()) ?? { y: -1, height: 0 };
    expect(y, `${lesson}: the page's own Speak line`).toBeGreaterThanOrEqual(0);
    expect(y + height, `${lesson}: the page's own Speak line`).toBeLessThanOrEqual(768);

    // the record in words; what came over the wire, one click away
    expect(await record.locator("code").isVisible()).toBe(false);
    await record.locator("summary").click();
    expect(await record.locator("code").textContent()).toBe(
      JSON.stringify({ from: speaker.socket.id, speech: { id: 140, change: "updated", at } }),
    );
    expect(await record.locator("code").isVisible()).toBe(true);

    await tab.evaluate(() => scrollTo(0, 0));
    expect(await overflowing(tab), `${lesson} at 1024×768`).toEqual([]);
    await tab.screenshot({ path: new URL(`${lesson}-page-1024x768.png`, SHOTS).pathname });
    await tab.setViewportSize({ width: 1920, height: 1080 });
    expect(await overflowing(tab), `${lesson} at 1920×1080`).toEqual([]);
    expect(await smallestText(tab), `${lesson} at 1920×1080`).toBeGreaterThanOrEqual(FLOOR_PX);
    await tab.screenshot({ path: new URL(`${lesson}-page-1920x1080.png`, SHOTS).pathname });
  }
});

test("loading the Admin UI requests nothing from another host, and nothing that fails: its icons and fonts are served here", async (t) => {
  const { server } = await namespacesLesson(t);
  const tab = await page(t);
  const requests = requestsOf(tab);
  const answers = answersOf(server.io);
  await tab.goto(`http://localhost:${server.port}/admin/`);
  await tab.getByText("connected", { exact: true }).first().waitFor();
  await tab.waitForLoadState("networkidle");
  expect(requests.filter((url) => !url.startsWith(`http://localhost:${server.port}/`))).toEqual([]);
  const fonts = requests.filter((url) => /\.(woff2?|ttf)(\?|$)/.test(url));
  expect(fonts.some((url) => url.includes("materialdesignicons"))).toBe(true);
  expect(fonts.some((url) => url.includes("roboto"))).toBe(true);
  await answers.until(/ \/admin\/favicon\.png$/); // the icon it names: no /favicon.ico
  expect(answers.lines.filter(failed)).toEqual([]);
});

test("the busy store's pages: a pane for each of the ten apps, all receiving all, then each only its own", async (t) => {
  for (const [start, startApp, rooms] of [
    [startDemoServer, startDemoBusyApp, false],
    [startServer, startBusyApp, true],
  ] as const) {
    const server = await start({ port: 0, print: () => {} });
    t.onTestFinished(server.close);
    const tab = await page(t, 720); // what a projector shows
    const requests = requestsOf(tab);
    await tab.goto(`http://localhost:${server.port}/busy.html`);
    const panes = tab.locator("section");
    await expect.poll(() => panes.count()).toBe(10);
    const app = startApp({ port: server.port, every: 20, print: () => {} });
    t.onTestFinished(app.close);
    // every pane has handled an event of its kind; then received: more than that, or as many
    const counts = async () =>
      (await panes.allInnerTexts()).map((text) => {
        const [received = 0, handled = 0] = [/received (\d+)/, /handled (\d+)/].map((count) =>
          Number(count.exec(text)?.[1]),
        );
        return handled > 0 && (rooms ? received === handled : received > handled);
      });
    await expect.poll(counts, { timeout: 10_000 }).toEqual(Array(10).fill(true));
    const name = rooms ? "namespaces-busy-page.png" : "demo-busy-page.png";
    await tab.screenshot({ path: new URL(name, SHOTS).pathname });
    expect(requests.filter((url) => !url.startsWith(`http://localhost:${server.port}/`))).toEqual(
      [],
    );
  }
});
