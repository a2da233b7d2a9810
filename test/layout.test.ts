import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, rm, rmdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { check, getFileInfo } from "prettier";
import { expect, test } from "vitest";
import browserTests from "../vitest.browser.config.ts";
import tests from "../vitest.config.ts";

const LESSONS = ["tcp-demo", "socketio-demo", "socketio-namespaces", "socketio-delivery"];

// What an instructor sees opening a lesson folder; npm run test:mutation leaves this file out, since
// it reads the files Stryker has rewritten.
test("each lesson folder reads as its lesson: server.ts the biggest, at most 80 lines, clients 40", () => {
  const lines = (file: string) => readFileSync(file, "utf8").trimEnd().split("\n");
  for (const lesson of LESSONS) {
    // the lesson page, a browser's client, lives in page/: the folder shows the scripts, and the
    // lesson plan, README.md, which is prose
    const files = readdirSync(lesson, { withFileTypes: true }).flatMap((f) =>
      f.isFile() && f.name !== "README.md" ? [f.name] : [],
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
  const folders = [
    "check",
    "classroom",
    ...LESSONS,
    "socketio-demo/page",
    "socketio-namespaces/page",
  ];
  for (const folder of folders) {
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
  const lessons = LESSONS.map((f) => `${f}/README.md`);
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

// The class types the lesson's steps into live/, and a half-typed step must not stop npm test
// (Prettier, tsc, then Vitest) before any test runs.
test("a badly formatted, ill-typed file in live/ is left out by prettier, tsc and vitest", async ({
  onTestFinished,
}) => {
  const typed = 'const x:number="a"   ;;\n';
  expect(await check(typed, { parser: "typescript" })).toBe(false); // prettier would refuse it
  if (!existsSync("live")) {
    await mkdir("live");
    onTestFinished(() => rmdir("live")); // registered first, so it runs once the file is gone
  }
  const file = `live/layout-test-${process.pid}.ts`;
  await writeFile(file, typed);
  onTestFinished(() => rm(file, { force: true }));

  expect(await getFileInfo(file, { ignorePath: ".prettierignore" })).toMatchObject({
    ignored: true,
  });
  const files = tscFiles();
  expect(files).toContain("./classroom/terminal.ts"); // the list is the program's
  expect(files.filter((name) => name.includes("live/"))).toEqual([]);
  for (const config of [tests, browserTests])
    for (const pattern of config.test?.include ?? []) expect(pattern).toMatch(/^test\//);
});

// The files tsc checks, as it reads tsconfig.json: TypeScript 7's API for that is marked unstable
function tscFiles() {
  const tsc = spawnSync(process.execPath, ["node_modules/typescript/bin/tsc", "--showConfig"], {
    encoding: "utf8",
  });
  return (JSON.parse(tsc.stdout) as { files: string[] }).files;
}

// npm test reads the scripts through Prettier's cache, which passes a file that passed once and
// then could not be parsed, on the run after the one that failed it: tsc parses each of them on
// every run, and fails such a file. The rest (pages, styles, JSON), which tsc does not read,
// Prettier reads afresh each time.
test("every file Prettier checks through its cache, tsc parses on every run", async () => {
  const cached = "**/*.{ts,js,mjs}";
  const npm = JSON.parse(readFileSync("package.json", "utf8")) as {
    scripts: Record<string, string>;
  };
  expect(npm.scripts.test).toBe(
    "prettier --check --cache --cache-strategy content --cache-location " +
      `node_modules/.cache/prettier/scripts "${cached}" && ` +
      `prettier --check . "!${cached}" && tsc && vitest run`,
  );
  // the project's own folders: not the ignored ones (scratch/, where tests write as this one
  // reads), nor those Prettier's glob skips
  const ignored = readFileSync(".prettierignore", "utf8").split("\n");
  const folders = readdirSync(".", { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !ignored.includes(`${entry.name}/`))
    .filter((entry) => !["node_modules", ".git"].includes(entry.name))
    .map((entry) => entry.name);
  const code = [".", ...folders]
    .flatMap((folder) =>
      readdirSync(folder, { recursive: folder !== ".", encoding: "utf8" }).map((name) =>
        join(folder, name),
      ),
    )
    .filter((name) => /\.(ts|js|mjs)$/.test(name));
  const checked: string[] = [];
  for (const name of code)
    if (!(await getFileInfo(name, { ignorePath: ".prettierignore" })).ignored) checked.push(name);
  expect(checked).toContain("stryker.config.mjs");
  expect(checked).toContain("classroom/page-lines.js");
  const parsed = new Set(tscFiles().map((file) => file.replace(/^\.\//, "")));
  expect(checked.filter((name) => !parsed.has(name))).toEqual([]);
});
