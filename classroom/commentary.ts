// A line per event is the lesson, but past a few dozen a second the lines scroll by unread and slow
// the server down: then a server prints one summary a second instead, until the flood is over.
import type { Print } from "./terminal.ts";

export const LINES_PER_SECOND = 30;

export type Commentary = ReturnType<typeof commentary>;

const counted = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

export function commentary(print: Print, clients: () => number) {
  let lines = 0;
  let events = 0;
  let dropped = 0;
  let summarising = false;
  const tick = setInterval(() => {
    if (summarising && lines > 0) {
      const [passedOn, connected] = [counted(events, "event"), counted(clients(), "client")];
      print(`last second: ${passedOn} passed on, ${dropped} dropped, ${connected}`);
    }
    if (summarising && lines <= LINES_PER_SECOND) {
      summarising = false;
      print("the flood is over: one line per event again");
    }
    lines = events = dropped = 0;
  }, 1000);
  tick.unref();
  const say = (line: string) => {
    lines += 1;
    if (summarising) return;
    if (lines <= LINES_PER_SECOND) return print(line);
    summarising = true;
    print(`over ${LINES_PER_SECOND} lines a second: one summary a second instead`);
  };
  return {
    // what an event carried is turned into text only when printed: a flood costs no formatting
    event: (label: string, data: unknown) => {
      events += 1;
      if (summarising) lines += 1;
      else say(`${label}: ${typeof data === "string" ? data : JSON.stringify(data)}`);
    },
    // an event refused: one line, counted as dropped in a summary
    refused: (line: string) => {
      dropped += 1;
      say(line);
    },
    // a client thrown out is always worth a line
    droppedClient: (line: string) => {
      dropped += 1;
      lines += 1;
      print(line);
    },
    line: say, // who comes, joins and goes
    stop: () => clearInterval(tick),
  };
}
