import axios from "axios";
import { api, describeError, endSession, goToLogin, REFRESH_KEY, ACCESS_KEY, tokens } from "./auth.js";
import { streamEcho } from "./stream.js";
import { variant } from "/app/variant.js";

const whoami = document.getElementById("whoami");
const status = document.getElementById("session-status");
const error = document.getElementById("error");
const input = document.getElementById("message");
const replies = document.getElementById("replies");

document.documentElement.dataset.variant = variant;
document.getElementById("variant").textContent = variant;

function showError(failure) {
  error.textContent = describeError(failure);
}

function addReply(kind, text, done) {
  const item = document.createElement("li");
  item.className = "reply";
  item.dataset.kind = kind;
  item.dataset.done = String(done);
  item.textContent = text;
  replies.append(item);
  return item;
}

async function loadUser() {
  const response = await api.get("/me");
  whoami.textContent = response.data.username;
  whoami.dataset.user = response.data.username;
  return response.data.username;
}

// Sign-out in another tab (or a session ended there) removes the shared tokens: follow it.
window.addEventListener("storage", (event) => {
  const gone = event.key === null || ((event.key === REFRESH_KEY || event.key === ACCESS_KEY) && event.newValue === null);
  if (gone && !tokens.present()) goToLogin("logout");
});

document.getElementById("echo-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  error.textContent = "";
  const message = input.value;
  try {
    const response = await api.post("/echo", { message });
    addReply("echo", response.data.reply, true);
    input.value = "";
  } catch (failure) {
    showError(failure);
  }
});

document.getElementById("stream").addEventListener("click", async () => {
  error.textContent = "";
  const message = input.value;
  let item = null;
  try {
    const reply = await streamEcho(variant, message, (partial) => {
      item = item || addReply("stream", "", false);
      item.textContent = partial;
    });
    item = item || addReply("stream", "", false);
    item.textContent = reply;
    item.dataset.done = "true";
    input.value = "";
  } catch (failure) {
    if (item) item.remove();
    showError(failure);
  }
});

document.getElementById("check-session").addEventListener("click", async () => {
  error.textContent = "";
  status.textContent = "";
  status.dataset.state = "pending";
  try {
    const username = await loadUser();
    status.textContent = `Session OK (${username})`;
    status.dataset.state = "ok";
  } catch (failure) {
    status.dataset.state = "failed";
    showError(failure);
  }
});

document.getElementById("sign-out").addEventListener("click", async () => {
  try {
    await axios.post("/api/token/blacklist/", { refresh: tokens.refresh() });
  } catch {
    // Signed out here whatever the server said.
  }
  endSession("logout");
});

if (!tokens.present()) {
  goToLogin();
} else {
  loadUser().catch(showError);
}
