// The Stream button's request: server-sent events over fetch (axios cannot read a body as it
// arrives in a browser), so axios-auth-refresh never sees it. Two variants, chosen by the
// server's SPA_VARIANT:
//   clean      the same token store and, on a 401, the same refresh logic, once, then a retry;
//   raw_fetch  the access token from localStorage and nothing else: a 401 ends the session.
import { endSession, refreshTokens, tokens } from "./auth.js";

class HttpError extends Error {
  constructor(status) {
    super(`Request failed (${status})`);
    this.status = status;
  }
}

function post(message) {
  const headers = { "Content-Type": "application/json", Accept: "text/event-stream" };
  const access = tokens.access();
  if (access) headers["Authorization"] = `Bearer ${access}`;
  return fetch("/api/echo/stream", { method: "POST", headers, body: JSON.stringify({ message }) });
}

async function openClean(message) {
  let response = await post(message);
  if (response.status === 401) {
    await response.body?.cancel();
    await refreshTokens(); // a failed refresh ends the session (login page, reason=expired)
    response = await post(message);
  }
  return response;
}

async function openRaw(message) {
  const response = await post(message);
  if (response.status === 401) {
    endSession("expired");
  }
  return response;
}

/** Stream `message`; `onChunk(text)` per chunk; resolves with the whole reply. */
export async function streamEcho(variant, message, onChunk) {
  const response = await (variant === "raw_fetch" ? openRaw(message) : openClean(message));
  if (!response.ok) throw new HttpError(response.status);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) !== -1) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = "message";
      const data = [];
      for (const line of frame.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
      }
      if (event === "chunk") {
        const piece = JSON.parse(data.join("\n")).text;
        text += piece;
        onChunk(text);
      } else if (event === "done") {
        return JSON.parse(data.join("\n")).reply ?? text;
      }
    }
  }
  throw new Error("The stream ended early");
}
