import { spawn } from "node:child_process";
import { once } from "node:events";
import { connect } from "node:net";
const child = spawn(process.execPath, ["--cpu-prof", "--cpu-prof-dir=/tmp/prof", "--import", "tsx", "tcp-demo/server.ts"], { env: { ...process.env, PORT: "4999" }, stdio: ["ignore", "pipe", "inherit"] });
await new Promise((r) => child.stdout.on("data", (d) => /listening/.test(d) && r(0)));
child.stdout.resume();
const subs = await Promise.all(Array.from({ length: 10 }, async () => { const s = connect(4999, "127.0.0.1"); await once(s, "connect"); let b = 0; s.on("data", (c) => (b += c.length)); return () => b; }));
const pub = connect(4999, "127.0.0.1"); await once(pub, "connect"); pub.resume();
const line = `create ${"x".repeat(80)}\n`; const batch = line.repeat(50);
let sent = 0; const t0 = performance.now();
while (performance.now() - t0 < 3000) {
  const min = Math.min(...subs.map((f) => f())) / line.length;
  if (sent - min < 1000) { pub.write(batch); sent += 50; } else await new Promise((r) => setImmediate(r));
}
const total = subs.reduce((a, f) => a + f(), 0) / line.length;
console.log("deliveries/s", (total / 3).toFixed(0));
child.kill("SIGTERM"); await once(child, "exit"); process.exit(0);
