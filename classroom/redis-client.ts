// What the servers' Redis clients need as Redis comes and goes: commands whose answer no one waits
// for, and an end that neither hangs nor leaves a connection behind.
import { setTimeout as sleep } from "node:timers/promises";
import { STOP_MS } from "./terminal.ts";

type Command = (...args: never[]) => Promise<unknown>;

// The commands whose callers never wait for the answer: each rejection, as Redis goes, is caught.
export function catchRejections<Name extends string>(
  client: Record<Name, Command>,
  ...names: Name[]
) {
  for (const name of names) {
    const send = client[name].bind(client);
    client[name] = (...args) => {
      const answer = send(...args);
      answer.catch(() => {});
      return answer;
    };
  }
}

interface Client {
  isReady: boolean;
  close(): Promise<unknown>;
  destroy(): void;
  on(event: "ready", listener: () => void): unknown;
}

// What is under way gets its answer, if Redis gives it within STOP_MS (a Redis that dies
// meanwhile never does); a client still connecting, or reconnecting, is ended as it gets there.
export async function endClient(client: Client) {
  client.on("ready", () => client.destroy());
  const stopping = sleep(STOP_MS, undefined, { ref: false });
  if (client.isReady) await Promise.race([client.close().catch(() => {}), stopping]);
  client.destroy();
}
