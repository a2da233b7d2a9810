// Vitest's global setup: the scripts that tests start as child processes, with their types stripped
// once, as tsx would strip them, into scratch/js/. A child then runs on node alone and spares the
// half CPU-second that tsx's loader costs each process; the tests of what an npm script does still
// run the script's own command, tsx and all.
import { cp, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { transform } from "esbuild";

// Stryker's test runners share one sandbox, and each runs this setup: each compiles into a folder
// of its own, so that none removes the scripts another's tests are running
export const COMPILED = join("scratch", `js${process.env.STRYKER_MUTATOR_WORKER ?? ""}`);
const FOLDERS = [
  "classroom",
  "check",
  "tcp-demo",
  "socketio-demo",
  "socketio-namespaces",
  "socketio-delivery",
];

export default async function compile() {
  await rm(COMPILED, { recursive: true, force: true });
  for (const folder of FOLDERS)
    for (const file of await readdir(folder, { recursive: true })) {
      const source = join(folder, file);
      if (!file.endsWith(".ts")) {
        if (file.includes(".")) await cp(source, join(COMPILED, source)); // a page, beside its server
        continue;
      }
      const target = join(COMPILED, source.replace(/\.ts$/, ".mjs"));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, await stripTypes(await readFile(source, "utf8")));
    }
  await cp("package.json", join(COMPILED, "package.json")); // read by the scripts beside it
}

// socket.io-client's CommonJS build: the same code as the ES module build that tsx loads, which
// takes Node 20 twice the CPU to load (0.25 s against 0.12 s), in each of the clients tests start.
// Its values are these alone: an import of any other name keeps the ES module build.
const CLIENT = pathToFileURL(createRequire(import.meta.url).resolve("socket.io-client")).href;
const IN_CLIENT = ["io", "connect", "Manager", "Socket"];
const fromClient = (names: string) =>
  names.split(",").every((name) => !name.trim() || IN_CLIENT.includes(name.trim().split(" ")[0]));

// A file with its types stripped by esbuild, as tsx strips them, for node to run alone.
export async function stripTypes(source: string) {
  const { code } = await transform(source, { loader: "ts", format: "esm" });
  return code
    .replace(/(["'])(\.\.?\/[^"']*)\.ts\1/g, "$1$2.mjs$1") // our own files are .mjs here
    .replace(/\{([^}]*)\} from "socket\.io-client";/g, (all, names: string) =>
      fromClient(names) ? `{${names}} from "${CLIENT}";` : all,
    );
}
