import axios from "axios";
import { APP_PATH, tokens } from "./auth.js";

const REASONS = {
  expired: "Your session has expired. Please sign in again.",
  logout: "You signed out.",
};

const form = document.getElementById("login-form");
const error = document.getElementById("login-error");
const message = document.getElementById("login-message");

const reason = new URLSearchParams(window.location.search).get("reason");
if (reason) {
  message.textContent = REASONS[reason] || "Please sign in.";
  message.dataset.reason = reason;
  message.hidden = false;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  error.textContent = "";
  const data = new FormData(form);
  try {
    // Plain axios, not the API instance: a refused sign-in is a 401 that must not refresh.
    const response = await axios.post("/api/token/", {
      username: data.get("username"),
      password: data.get("password"),
    });
    tokens.save(response.data);
    window.location.assign(APP_PATH);
  } catch (failure) {
    const detail = failure.response && failure.response.data && failure.response.data.detail;
    error.textContent = detail || (failure.response ? `Sign-in failed (${failure.response.status})` : "Network error");
  }
});

document.documentElement.dataset.ready = "true";
