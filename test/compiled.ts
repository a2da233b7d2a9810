// Vitest's global setup: the scripts that tests start as child processes, with their types stripped
// once, as tsx would strip them, into scratch/js/. A child then runs on node alone and spares the
// half CPU-second that tsx's loader costs each process; the tests of what an npm script does still
// run the script's own command, tsx and all.
import { cp, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { transform } from "esbuild";

export const COMPILED = join("scratch", "js");
const FOLDERS = ["classroom", "check", "tcp-demo", "socketio-demo", "socketio-namespaces"];

export default async function compile() {
  await rm(COMPILED, { recursive: true, force: true });
  for (const folder of FOLDERS)
    for (const file of await readdir(folder, { recursive: true })) {
      const source = join(folder, file);
      if (!file.endsWith(".ts")) {
        if (file.includes(".")) await cp(source, join(COMPILED, source)); // a page, beside its server
        continue;
      }
      const { code } = await transform(await readFile(source, "utf8"), { loader: "ts" });
      const target = join(COMPILED, source.replace(/\.ts$/, ".mjs"));
      await mkdir(dirname(target), { recursive: true });
      // the imports of our own files name them by their .ts: they are .mjs here
      await writeFile(target, code.replace(/(["'])(\.\.?\/[^"']*)\.ts\1/g, "$1$2.mjs$1"));
    }
  await cp("package.json", join(COMPILED, "package.json")); // read by the scripts beside it
}
