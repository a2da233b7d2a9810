import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { expect, test } from "vitest";

// What an instructor sees opening a lesson folder; npm run test:mutation leaves this file out, since
// it reads the files Stryker has rewritten.
test("each lesson folder reads as its lesson: server.ts the biggest, at most 80 lines, clients 40", () => {
  const lines = (file: string) => readFileSync(file, "utf8").trimEnd().split("\n");
  for (const lesson of ["tcp-demo", "socketio-demo", "socketio-namespaces"]) {
    // the lesson page, a browser's client, lives in page/: the folder shows the scripts, and the
    // lesson plan, README.md, which is prose
    const files = readdirSync(lesson, { withFileTypes: true }).flatMap((f) =>
      f.isFile() && f.name !== "README.md" ? [f.name] : [],
    );
    const size = (name: string) => lines(`${lesson}/${name}`).length;
    expect(size("server.ts"), `${lesson}/server.ts`).toBeLessThanOrEqual(80);
    for (const name of files.filter((name) => name !== "server.ts")) {
      expect(size(name), `${lesson}/${name} against server.ts`).toBeLessThan(size("server.ts"));
      if (/^(app|.*logger)\.ts$/.test(name)) expect(size(name), name).toBeLessThanOrEqual(40);
    }
  }
  const folders = ["check", "classroom", "tcp-demo", "socketio-demo", "socketio-namespaces"];
  for (const folder of [...folders, "socketio-demo/page", "socketio-namespaces/page"]) {
    const code = readdirSync(folder).filter((name) => name.includes(".") && !name.endsWith(".md"));
    for (const name of code) {
      const long = lines(`${folder}/${name}`).filter((line) => line.length > 100);
      expect(long, `${folder}/${name}: lines over 100 columns`).toEqual([]);
    }
  }
});

// The top-level README is the way in, and the lesson plans and docs/ link to each other: a file
// moved or renamed must not leave a link behind.
test("the README stays the way in, and every relative link in the READMEs and docs/ finds its file", () => {
  expect(readFileSync("README.md", "utf8").trimEnd().split("\n").length).toBeLessThanOrEqual(200);
  const lessons = ["tcp-demo", "socketio-demo", "socketio-namespaces"].map((f) => `${f}/README.md`);
  const docs = readdirSync("docs").flatMap((name) =>
    name.endsWith(".md") ? [`docs/${name}`] : [],
  );
  const broken = ["README.md", ...lessons, ...docs].flatMap((file) => {
    const prose = readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, ""); // not in code blocks
    return [...prose.matchAll(/\]\(([^)\s#]*)[^)\s]*\)/g)]
      .map(([, target]) => target)
      .filter((target) => target && !/^[a-z]+:/.test(target)) // a web address, or a bare #anchor
      .filter((target) => !existsSync(join(dirname(file), target)))
      .map((target) => `${file}: ${target}`);
  });
  expect(broken).toEqual([]);
});
