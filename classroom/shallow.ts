// Socket.IO's parser, but for data nested deeper than anything a lesson sends: to copy or print
// such data (the Admin UI, JSON.stringify) would overflow the stack, and end the server with it.
// Such a packet is refused as it arrives, as a malformed one is: its sender is dropped, told why.
import { Decoder, Encoder, protocol } from "socket.io-parser";

export const MOST_NESTED = 32; // a lesson's packets nest 2 deep; stacks overflow in the thousands

class ShallowDecoder extends Decoder {
  override add(chunk: unknown) {
    if (typeof chunk === "string" && nestedOver(chunk, MOST_NESTED))
      throw new Error(`a packet nested over ${MOST_NESTED} deep`);
    super.add(chunk);
  }
}

// How deep the JSON in a packet nests, its own array included: the brackets outside its strings,
// from the first one on (a namespace before it may hold a quote, which opens no string).
function nestedOver(packet: string, most: number) {
  let depth = 0;
  let inString = false;
  for (let i = packet.search(/[[{]/); i !== -1 && i < packet.length; i++) {
    const c = packet[i];
    if (inString) {
      if (c === "\\")
        i++; // an escaped character, a quote perhaps
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "[" || c === "{") {
      if (++depth > most) return true;
    } else if (c === "]" || c === "}") depth--;
  }
  return false;
}

export const shallowParser = { protocol, Encoder, Decoder: ShallowDecoder };
