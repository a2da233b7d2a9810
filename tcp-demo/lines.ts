import { isUtf8 } from "node:buffer";

// TCP is a stream: a write can arrive in pieces, two writes as one: buffer bytes up to "\n".
const MAX_LINE_BYTES = 64 * 1024;
const NEWLINE = 0x0a;
// Passed on, an escape code would reach every nc in the class: it could clear or retitle a screen.
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/; // C0 but tab, DEL, C1

// The first line of a browser or a Socket.IO client at the wrong port: headers follow, not events
const HTTP_REQUEST = /^[A-Z]+ \S+ HTTP\/\d(\.\d)?$/;
const NOT_LINES = {
  error: "an HTTP request: this server speaks lines (nc), not HTTP",
  fatal: true,
};

export type Line = { text: string; event: string } | { error: string; fatal?: boolean };
const TOO_LONG = { error: "line longer than 64 KiB", fatal: true };

export function lineReader() {
  let unfinished = Buffer.alloc(0);
  return function read(chunk: Buffer): Line[] {
    const end = chunk.lastIndexOf(NEWLINE);
    if (end === -1) {
      unfinished = Buffer.concat([unfinished, chunk]);
      return unfinished.length > MAX_LINE_BYTES ? [TOO_LONG] : [];
    }
    const complete = Buffer.concat([unfinished, chunk.subarray(0, end)]);
    unfinished = Buffer.from(chunk.subarray(end + 1)); // a copy, so the chunk itself can go
    // latin1 turns each byte into one character, so splitting at "\n" splits the bytes
    const lines = complete.toString("latin1").split("\n").map(decode);
    const worthPassingOn = lines.filter((line) => !("text" in line) || line.text.trim() !== "");
    return unfinished.length > MAX_LINE_BYTES ? [...worthPassingOn, TOO_LONG] : worthPassingOn;
  };
}

// Each line is decoded alone: a line of bad bytes is refused, and the lines around it are not.
function decode(latin1: string): Line {
  const bytes = Buffer.from(latin1, "latin1");
  if (!isUtf8(bytes)) return { error: "line is not valid UTF-8" };
  const text = bytes.toString().replace(/\r$/, "");
  if (CONTROL.test(text))
    return { error: "line holds control characters, escape codes among them" };
  if (HTTP_REQUEST.test(text)) return NOT_LINES;
  const event = text.split(" ", 1)[0]; // the first word: the rest is its data
  return Buffer.byteLength(text) > MAX_LINE_BYTES ? TOO_LONG : { text, event };
}
