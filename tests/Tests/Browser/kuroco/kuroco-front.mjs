// The calls a Kuroco front-end makes, written from Kuroco's published snippets (the Nuxt member-site
// sample, the login tutorials and the SDK's token handling), with the same HTTP client: Nuxt's $fetch
// is ofetch. Nothing here knows which server answers; the tests point `baseURL` at it.
import { ofetch } from "/ofetch/index.mjs";

// Every call resolves to {status, body} so the test can check each step; ofetch itself throws a
// FetchError on 4xx/5xx, which is what a front-end's try/catch sees.
async function call(promise) {
  try {
    const response = await promise;
    return { status: response.status, body: response._data ?? null };
  } catch (error) {
    if (error && error.response) {
      return { status: error.response.status, body: error.data ?? null, error: error.name };
    }
    return { status: 0, body: null, error: String(error) };
  }
}

/** Cookie mode, as the member-site sample does it: every call with credentials: "include". */
export function cookieClient(baseURL) {
  const $fetch = ofetch.create({ baseURL, credentials: "include" });
  return {
    login: (email, password, loginSave) =>
      call($fetch.raw("/login", { method: "POST", body: { email, password, login_save: loginSave } })),
    profile: () => call($fetch.raw("/profile")),
    publicNews: () => call($fetch.raw("/news")),
    membersOnly: () => call($fetch.raw("/members-only")),
    // The sample's logout ignores errors: the page goes back to the login form either way.
    logout: async () => {
      let status = 0;
      try {
        const response = await $fetch.raw("/logout", { method: "POST" });
        status = response.status;
      } catch (error) {
        status = error?.response?.status ?? 0;
      }
      return { status };
    },
  };
}

/**
 * Dynamic-token mode, as the SDK does it: login → grant_token → token; the access token goes in
 * X-RCMS-API-ACCESS-TOKEN; a 401 makes it refresh ({grant_token: "", refresh_token}) and retry once.
 */
export function tokenClient(baseURL) {
  const $fetch = ofetch.create({ baseURL });
  const state = { access: null, refresh: null, accessExpiresAt: 0, log: [] };
  const raw = (path, options = {}) => $fetch.raw(path, {
    ...options,
    onResponse: ({ response }) => { state.log.push(`${options.method ?? "GET"} ${path} ${response.status}`); },
  });
  const keep = (body) => {
    state.access = body.access_token.value;
    state.accessExpiresAt = body.access_token.expiresAt;
    if (body.refresh_token) {
      state.refresh = body.refresh_token.value;
    }
  };
  const authorized = (path, options = {}) =>
    raw(path, { ...options, headers: { ...options.headers, "X-RCMS-API-ACCESS-TOKEN": state.access ?? "" } });
  const refresh = async () => {
    const answer = await call(raw("/token", { method: "POST", body: { grant_token: "", refresh_token: state.refresh } }));
    if (answer.status === 200) {
      keep(answer.body);
    }
    return answer;
  };
  // The SDK's request wrapper: on 401, refresh once and retry once; a second 401 goes to the caller.
  const request = async (path, options = {}) => {
    const first = await call(authorized(path, options));
    if (first.status !== 401 || !state.refresh) {
      return first;
    }
    const refreshed = await refresh();
    if (refreshed.status !== 200) {
      return first;
    }
    return call(authorized(path, options));
  };
  return {
    state,
    login: async (email, password) => {
      const login = await call(raw("/login", { method: "POST", body: { email, password } }));
      if (login.status !== 200) {
        return { login };
      }
      const token = await call(raw("/token", { method: "POST", body: { grant_token: login.body.grant_token } }));
      if (token.status === 200) {
        keep(token.body);
      }
      return { login, token };
    },
    refresh,
    request,
    // Without the retry: what the server says about the token the page holds right now.
    plain: (path) => call(authorized(path)),
    logout: async () => {
      const answer = await call(authorized("/logout", { method: "POST" }));
      state.access = null;
      state.refresh = null;
      return answer;
    },
  };
}

// The tests drive the page through these.
window.kuroco = { cookieClient, tokenClient, ready: true };
