// @ts-check
// What both lesson pages need around the lesson, written once: each line goes on top of its list,
// where the eye is, in the words a reader would say, with what came over the wire one click away;
// and one rule for what a Speak box sends. Each lesson server serves this file as /page-lines.js.

/** @typedef {import("../socketio-demo/events.ts").Speech} Speech */
/** @typedef {import("../socketio-demo/events.ts").Ack} Ack */
const KEPT = 200; // a class is long: older lines go, so the page stays quick

// A record as a reader says it, "#106 updated 14:48:32" (in this computer's time, as the terminals
// print theirs), and text in quotes.
/** @param {Speech} speech */
function said(speech) {
  if (typeof speech === "string") return `"${speech}"`;
  const at = new Date(speech.at ?? "");
  const time = isNaN(at.getTime()) ? "" : ` ${at.toTimeString().slice(0, 8)}`;
  return `#${speech.id} ${speech.change}${time}`;
}

// What an event carried, in words: what was said and who said it (the id last, where it can wrap
// whole), what this page sent, a welcome, a room joined.
/** @param {string} event @param {any} payload */
function worded(event, payload) {
  if (payload?.from) return `${event} ${said(payload.speech)} from ${payload.from}`;
  if (typeof payload === "string" || payload?.change) return `${event} ${said(payload)}`;
  if (event === "welcome") return `welcome: I am ${payload.id}, ${payload.clients} connected`;
  if (payload?.joined) return `joined room ${payload.joined}`;
  return `${event} ${JSON.stringify(payload)}`;
}

// Puts a line on top of the list, and returns it: its words, and the payload as it came in a
// <details> that opens on a click.
/** @param {HTMLElement} list @param {string} event @param {unknown} payload */
export function show(list, event, payload, kind = "") {
  const line = list.insertBefore(document.createElement("li"), list.firstChild);
  line.className = kind;
  const details = line.appendChild(document.createElement("details"));
  details.appendChild(document.createElement("summary")).textContent = worded(event, payload);
  details.appendChild(document.createElement("code")).textContent = JSON.stringify(payload);
  list.children[KEPT]?.remove();
  return details;
}

// A Speak box. What is typed goes as a record when it parses as one, with an id and a change, and
// as text otherwise: {"hello":"world"} is text. The server checks it as it checks any speak, and
// its receipt ends the line.
/** @param {HTMLFormElement} form @param {HTMLElement} list @param {string} event
 *  @param {(speech: Speech, ack: Ack) => void} send */
export function speakBox(form, list, event, send) {
  const input = /** @type {HTMLInputElement} */ (form.querySelector("input"));
  form.addEventListener("submit", (submitted) => {
    submitted.preventDefault();
    const speech = recordOrText(input.value);
    const [words, raw] = show(list, event, speech, "mine").children;
    send(speech, (receipt) => {
      words.append(receipt.ok ? ` → heard by ${receipt.heardBy}` : ` → refused: ${receipt.error}`);
      raw.append(`\n${JSON.stringify(receipt)}`);
    });
    input.value = "";
  });
}

/** @param {string} typed @returns {Speech} */
function recordOrText(typed) {
  try {
    const parsed = JSON.parse(typed);
    return parsed?.id !== undefined && parsed?.change !== undefined ? parsed : typed;
  } catch {
    return typed;
  }
}
