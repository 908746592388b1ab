// The chat page: history, streamed and plain replies, the draft, sign-out.

import { loadConfig, regression } from "../auth/config.js";
import * as store from "../auth/store.js";
import { AuthEnded, apiFetch, apiJson, ensureFresh, rawFetch, startClient, tickMs } from "../auth/client.js";
import { logout, takeHandoff } from "../auth/session.js";
import { startIdleMonitor, staySignedIn } from "../auth/idle.js";
import { loadDraft, saveDraft } from "../auth/redirect.js";
import { bindBanner, warningView } from "./ui.js";
import { readEvents } from "./sse.js";

const byTestId = (id) => document.querySelector(`[data-testid="${id}"]`);
const input = byTestId("chat-input");
// Drafts belong to the signed-in user; none while signed out.
const draftOwner = () => store.auth().user?.email ?? null;
const keepDraft = (text) => saveDraft(draftOwner(), text);
const list = byTestId("chat-messages");

function messageItem(role, text, done) {
  const item = document.createElement("li");
  item.className = `message message-${role}`;
  item.dataset.testid = "chat-message";
  item.dataset.role = role;
  item.textContent = text;
  if (done) item.dataset.done = "true";
  return item;
}

function addMessage(role, text, done) {
  const item = messageItem(role, text, done);
  list.append(item);
  list.scrollTop = list.scrollHeight;
  return item;
}

function showStatus(text) {
  const status = byTestId("chat-status");
  status.textContent = text;
  status.hidden = text === "";
}

async function errorOf(response) {
  const body = await response.json().catch(() => ({}));
  return new Error(body.message || body.error || `HTTP ${response.status}`);
}

async function streamReply(text) {
  const init = { method: "POST", body: JSON.stringify({ message: text }), headers: { Accept: "text/event-stream" } };
  // The regression switch: streaming bypasses the auth client, as in the original bug.
  const send = regression("stream_raw_fetch") ? rawFetch : apiFetch;
  const response = await send("/api/chat/stream", init);
  if (!response.ok) throw await errorOf(response);
  const bot = addMessage("bot", "", false);
  bot.setAttribute("aria-busy", "true");
  for await (const { event, data } of readEvents(response)) {
    if (event === "chunk") bot.textContent += JSON.parse(data).text;
    if (event === "done") {
      bot.textContent = JSON.parse(data).reply;
      bot.dataset.done = "true";
    }
    list.scrollTop = list.scrollHeight;
  }
  bot.removeAttribute("aria-busy");
  if (bot.dataset.done !== "true") throw new Error("The reply was cut off.");
}

async function plainReply(text) {
  const body = await apiJson("/api/chat", { method: "POST", body: JSON.stringify({ message: text }) });
  addMessage("bot", body.reply, true);
}

async function send(streaming) {
  const text = input.value.trim();
  if (text === "") return;
  // The draft stays stored until the reply arrives, so a sign-out mid-send does not lose it.
  keepDraft(text);
  input.value = "";
  showStatus("");
  addMessage("user", text, true);
  try {
    await (streaming ? streamReply(text) : plainReply(text));
    keepDraft(input.value);
  } catch (err) {
    if (err instanceof AuthEnded) return;
    showStatus(`Your message was not sent: ${err.message}`);
    if (input.value === "") input.value = text;
  }
}

async function loadHistory() {
  try {
    const { messages } = await apiJson("/api/chat/history");
    // Messages sent while the history was loading stay below it.
    list.prepend(...messages.map((message) => messageItem(message.role, message.text, true)));
    list.scrollTop = list.scrollHeight;
  } finally {
    list.dataset.history = "loaded";
  }
}

function bindControls() {
  byTestId("chat-form").addEventListener("submit", (event) => {
    event.preventDefault();
    send(true);
  });
  byTestId("chat-send-plain").addEventListener("click", () => send(false));
  input.addEventListener("input", () => keepDraft(input.value));
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      send(true);
    }
  });
  byTestId("logout-button").addEventListener("click", () => logout());
}

function showSignedIn() {
  const { user } = store.auth();
  byTestId("user-email").textContent = user ? user.email : "";
  byTestId("session-status").textContent = "signed-in";
  input.value = loadDraft(draftOwner());
  startIdleMonitor({
    view: warningView(() => staySignedIn().catch(() => {})),
    ping: () => apiJson("/api/auth/session").then(store.applySession),
  });
  bindControls();
  loadHistory().catch((err) => { if (!(err instanceof AuthEnded)) showStatus(`History unavailable: ${err.message}`); });
}

/** Get a token (login hand-off, another tab, or the refresh cookie), else the login page. */
async function signIn() {
  try {
    await ensureFresh();
  } catch (err) {
    if (!(err instanceof AuthEnded)) setTimeout(signIn, tickMs());
    return;
  }
  showSignedIn();
}

async function main() {
  bindBanner();
  try {
    await loadConfig();
  } catch {
    showStatus("Cannot reach the server. Reload the page to try again.");
    return;
  }
  startClient();
  const handoff = takeHandoff();
  if (handoff !== null) store.adopt(handoff);
  await signIn();
}

main();
