import { readdirSync, readFileSync } from "node:fs";
import { expect, test } from "vitest";

// What an instructor sees opening a lesson folder; npm run test:mutation leaves this file out, since
// it reads the files Stryker has rewritten.
test("each lesson folder reads as its lesson: server.ts the biggest, at most 80 lines, clients 40", () => {
  const lines = (file: string) => readFileSync(file, "utf8").trimEnd().split("\n");
  for (const lesson of ["tcp-demo", "socketio-demo", "socketio-namespaces"]) {
    // the lesson page, a browser's client, lives in page/: the folder shows the scripts
    const files = readdirSync(lesson, { withFileTypes: true }).flatMap((f) =>
      f.isFile() ? [f.name] : [],
    );
    const size = (name: string) => lines(`${lesson}/${name}`).length;
    expect(size("server.ts"), `${lesson}/server.ts`).toBeLessThanOrEqual(80);
    for (const name of files.filter((name) => name !== "server.ts")) {
      expect(size(name), `${lesson}/${name} against server.ts`).toBeLessThan(size("server.ts"));
      // a client: an app, the busy store's app and listening apps, a logger
      if (/^(.*app|.*logger|.*listener)\.ts$/.test(name)) {
        expect(size(name), `${lesson}/${name}`).toBeLessThanOrEqual(40);
      }
    }
  }
  const folders = ["check", "classroom", "tcp-demo", "socketio-demo", "socketio-namespaces"];
  for (const folder of [...folders, "socketio-demo/page", "socketio-namespaces/page"]) {
    for (const name of readdirSync(folder).filter((name) => name.includes("."))) {
      const long = lines(`${folder}/${name}`).filter((line) => line.length > 100);
      expect(long, `${folder}/${name}: lines over 100 columns`).toEqual([]);
    }
  }
});
