// TCP is a stream: a write can arrive in pieces, two writes as one: buffer bytes up to "\n".
const MAX_LINE_BYTES = 64 * 1024;
const NEWLINE = 0x0a;
const utf8 = new TextDecoder("utf-8", { fatal: true });

export type Line = { text: string } | { error: string; fatal?: boolean };
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
    unfinished = Buffer.from(chunk.subarray(end + 1));
    const lines = decode(complete).filter((line) => !("text" in line) || line.text.trim() !== "");
    if (unfinished.length > MAX_LINE_BYTES) lines.push(TOO_LONG);
    return lines;
  };
}

// Decode the whole read at once (fast); only a read with bad bytes is decoded line by line.
function decode(complete: Buffer): Line[] {
  try {
    return utf8.decode(complete).split("\n").map(checked);
  } catch {
    const lines: Line[] = [];
    for (let start = 0; start <= complete.length;) {
      let end = complete.indexOf(NEWLINE, start);
      if (end === -1) end = complete.length;
      try {
        lines.push(checked(utf8.decode(complete.subarray(start, end))));
      } catch {
        lines.push({ error: "line is not valid UTF-8" });
      }
      start = end + 1;
    }
    return lines;
  }
}

function checked(text: string): Line {
  if (text.endsWith("\r")) text = text.slice(0, -1);
  return Buffer.byteLength(text) > MAX_LINE_BYTES ? TOO_LONG : { text };
}
