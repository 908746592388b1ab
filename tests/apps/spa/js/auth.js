// The app's API client, set up the way axios-auth-refresh's README shows: an axios instance,
// a request interceptor that adds the access token from localStorage, and
// createAuthRefreshInterceptor(instance, refreshAuthLogic), which runs refreshAuthLogic after
// a 401 and retries the failed request. Refreshing is reactive only (nothing refreshes before
// the access token expires) and nothing coordinates tabs: each tab refreshes on its own.
import axios from "axios";
import createAuthRefreshInterceptor from "axios-auth-refresh";

export const ACCESS_KEY = "spa.access";
export const REFRESH_KEY = "spa.refresh";
export const LOGIN_PATH = "/app/login";
export const APP_PATH = "/app/";

export const tokens = {
  access: () => localStorage.getItem(ACCESS_KEY),
  refresh: () => localStorage.getItem(REFRESH_KEY),
  present: () => localStorage.getItem(ACCESS_KEY) !== null || localStorage.getItem(REFRESH_KEY) !== null,
  save({ access, refresh }) {
    localStorage.setItem(ACCESS_KEY, access);
    // simplejwt rotates refresh tokens: every refresh answer carries a new one.
    if (refresh) localStorage.setItem(REFRESH_KEY, refresh);
  },
  clear() {
    localStorage.removeItem(ACCESS_KEY);
    localStorage.removeItem(REFRESH_KEY);
  },
};

let leaving = false;

/** Clear the tokens and go to the login page, saying why (`expired`, `logout`). */
export function endSession(reason) {
  tokens.clear();
  goToLogin(reason);
}

export function goToLogin(reason) {
  if (leaving) return;
  leaving = true;
  window.location.assign(reason ? `${LOGIN_PATH}?reason=${encodeURIComponent(reason)}` : LOGIN_PATH);
}

/** What a failed request says to the user. */
export function describeError(error) {
  if (error && error.response) return `Request failed (${error.response.status})`;
  if (error && typeof error.status === "number") return `Request failed (${error.status})`;
  return "Network error";
}

export const api = axios.create({ baseURL: "/api" });

// Obtain the fresh token each time (the README's advice: stalled requests then use the new one).
api.interceptors.request.use((request) => {
  const access = tokens.access();
  if (access) request.headers["Authorization"] = `Bearer ${access}`;
  return request;
});

let refreshing = null;

/** POST /api/token/refresh/ with the stored refresh token; stores both new tokens and returns
 * the new access token. On failure: the session is over (tokens cleared, login page). One
 * refresh at a time in this tab, shared by axios-auth-refresh and the clean stream. */
export function refreshTokens() {
  if (refreshing) return refreshing;
  refreshing = axios
    .post("/api/token/refresh/", { refresh: tokens.refresh() })
    .then((tokenRefreshResponse) => {
      tokens.save(tokenRefreshResponse.data);
      return tokenRefreshResponse.data.access;
    })
    .catch((error) => {
      endSession("expired");
      return Promise.reject(error);
    })
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

// Function that will be called to refresh authorization (axios-auth-refresh's README).
export const refreshAuthLogic = (failedRequest) =>
  refreshTokens().then((access) => {
    failedRequest.response.config.headers["Authorization"] = "Bearer " + access;
    return Promise.resolve();
  });

// Instantiate the interceptor.
createAuthRefreshInterceptor(api, refreshAuthLogic);
