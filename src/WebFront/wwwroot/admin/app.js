// Admin console of the API security system: plain browser JavaScript over the admin API (/admin/…).
// The admin token is kept in sessionStorage (this tab only) and sent as a bearer token; so is what
// POST /admin/session answered at sign-in (who is signed in, with which permissions), which decides
// what the console offers. The server checks every call anyway: a refusal is shown, never hidden.
"use strict";

const $ = (selector) => document.querySelector(selector);
const views = ["sign-in-view", "apis-view", "api-view", "members-view", "member-view", "admins-view", "admin-view", "audit-view"];
const modeNames = { none: "None", static_token: "Static access token", dynamic_token: "Dynamic access token", cookie: "Cookie session" };
let currentApi = null;

/** Builds an element; strings become text nodes (never HTML). */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child instanceof Node ? child : String(child ?? ""));
  return node;
}

function show(id) {
  for (const view of views) $("#" + view).hidden = view !== id;
  $("#nav").hidden = id === "sign-in-view";
  applyPermissions();
}

/** Set before a navigation whose status line must survive the next route(). */
let keepStatus = false;

/** Writes a line under the page; `error` shows it as a refusal. */
function status(text, error = false) {
  $("#status").textContent = text;
  $("#status").classList.toggle("failed", error);
}

const when = (unix) => unix ? new Date(unix * 1000).toLocaleString() : "";

/** The message of a problem detail (RFC 9457): its errors, else its detail, else its title. */
function problemText(problem) {
  if (problem?.errors?.length) return problem.errors.map((e) => e.message).join("\n");
  return problem?.detail || problem?.title || "Request failed";
}

/** Shows a call's outcome in the status line: `done` when it worked, the server's reason when not. */
function report(result, done) {
  if (result.ok) status(done);
  else status(problemText(result.data), true);
  return result.ok;
}

// ---- who is signed in, and what the role may do ---------------------------------------------

function session() {
  try { return JSON.parse(sessionStorage.getItem("adminSession") || "null"); } catch { return null; }
}

/** True when the signed-in credential holds `permission` (admin:read, apis:write, members:write, admins:write). */
function can(permission) { return (session()?.permissions || []).includes(permission); }

/**
 * Hides forms (and their headings) the role cannot use, disables such buttons, and shows the
 * "your role cannot…" hints. Elements say what they need with data-needs, hints with data-lacks.
 */
function applyPermissions() {
  document.querySelectorAll("[data-needs]").forEach((node) => {
    const allowed = can(node.dataset.needs);
    if (node.tagName === "BUTTON") guard(node.dataset.needs, node, allowed);
    else node.hidden = !allowed;
  });
  document.querySelectorAll("[data-lacks]").forEach((node) => { node.hidden = can(node.dataset.lacks); });
  const who = session();
  $("#whoami").textContent = who ? `${who.name} (${who.role})` : "";
}

/** Disables a button the role cannot use, saying why; returns it (for buttons built in tables). */
function guard(permission, button, allowed = can(permission)) {
  if (!allowed) {
    button.disabled = true;
    button.title = `Your role (${session()?.role ?? "unknown"}) does not hold ${permission}.`;
  } else if (button.title.startsWith("Your role")) {
    button.disabled = false;
    button.title = "";
  }
  return button;
}

/** Calls the admin API; returns { ok, status, data }. A 401 (credential revoked or expired) signs out. */
async function call(method, path, body) {
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: { "Authorization": "Bearer " + sessionStorage.getItem("adminToken"), ...(body ? { "Content-Type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch {
    return { ok: false, status: 0, data: { detail: "The server could not be reached." } };
  }
  const text = await response.text();
  let data = {};
  try { data = text ? JSON.parse(text) : {}; } catch { data = { detail: `The server answered ${response.status} without a JSON body.` }; }
  if (response.status === 401 && path !== "/admin/session") {
    signOut();
    $("#sign-in-error").textContent = "Your credential is no longer accepted (revoked, expired or its administrator deleted): sign in again.";
  }
  return { ok: response.ok, status: response.status, data };
}

/** Writes a problem's errors next to the fields they name (data-error-for), the rest to `fallback`. */
function showErrors(problem, fallback, scope = document) {
  scope.querySelectorAll(".error[data-error-for]").forEach((p) => { p.textContent = ""; });
  const errors = problem.errors?.length ? problem.errors : [{ message: problemText(problem) }];
  for (const error of errors) {
    const target = errorTarget(scope, error.field || "") || scope.querySelector(`.error[data-error-for="${fallback}"]`);
    if (target) target.textContent += (target.textContent ? "\n" : "") + error.message;
  }
}

/** The error line for a field: its own (settings.rate_limit.window), else its parent's (settings.rate_limit), else its first part. */
function errorTarget(scope, field) {
  for (let name = field; name; name = name.includes(".") ? name.slice(0, name.lastIndexOf(".")) : "") {
    const target = scope.querySelector(`.error[data-error-for="${CSS.escape(name)}"]`);
    if (target && !target.closest("fieldset[disabled]")) return target;
  }
  return null;
}

function clearErrors(scope) { scope.querySelectorAll(".error").forEach((p) => { p.textContent = ""; }); }

// ---- sign in / out -------------------------------------------------------------------------

/** POST /admin/session: who holds the token and what it may do (the server records each sign-in). */
async function startSession() {
  const result = await call("POST", "/admin/session");
  if (result.ok) sessionStorage.setItem("adminSession", JSON.stringify(result.data));
  return result;
}

$("#sign-in-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  sessionStorage.setItem("adminToken", $("#admin-token").value.trim());
  const result = await startSession();
  if (!result.ok) {
    sessionStorage.removeItem("adminToken");
    $("#sign-in-error").textContent = result.status === 401
      ? "This token is not the admin token nor a valid administrator's token."
      : result.status === 0 ? "The server could not be reached." : problemText(result.data);
    return;
  }
  $("#admin-token").value = "";
  $("#sign-in-error").textContent = "";
  if (location.hash === "#apis") route();
  else location.hash = "#apis";
});

function signOut() {
  sessionStorage.removeItem("adminToken");
  sessionStorage.removeItem("adminSession");
  show("sign-in-view");
  $("#admin-token").focus();
}

$("#sign-out").addEventListener("click", signOut);

// ---- APIs ----------------------------------------------------------------------------------

async function renderApis() {
  show("apis-view");
  const { data } = await call("GET", "/admin/apis");
  const body = $("#api-table tbody");
  body.replaceChildren(...(data.apis || []).map((api) => el("tr", {},
    el("td", {}, el("a", { href: "#api/" + encodeURIComponent(api.api_id) }, api.api_id)),
    el("td", {}, api.name), el("td", {}, modeNames[api.mode] || api.mode),
    el("td", {}, api.enabled ? "yes" : "no"), el("td", {}, api.endpoints))));
  if (!body.children.length) body.append(el("tr", {}, el("td", { colspan: 5 }, "No API yet: create one below.")));
}

$("#create-api-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const id = form.api_id.value.trim();
  const result = await call("PUT", "/admin/apis/" + encodeURIComponent(id), { name: form.name.value.trim(), enabled: true });
  if (!result.ok) { showErrors(result.data, "create", form); return; }
  form.reset();
  clearErrors(form);
  location.hash = "#api/" + encodeURIComponent(id);
});

async function renderApi(id) {
  const result = await call("GET", "/admin/apis/" + encodeURIComponent(id));
  if (result.status === 401) return;
  if (!result.ok) { status(`API ${id} does not exist.`); location.hash = "#apis"; return; }
  currentApi = result.data;
  show("api-view");
  $("#api-title").textContent = `${currentApi.name} (${currentApi.api_id})`;
  $("#api-mode").textContent = modeNames[currentApi.security.mode];
  $("#api-ip").textContent = currentApi.security.ip_restriction.length ? currentApi.security.ip_restriction.join(", ") : "every address";
  $("#api-enabled").textContent = currentApi.enabled ? "yes" : "no";
  $("#endpoint-table tbody").replaceChildren(...currentApi.endpoints.map((e) => el("tr", {},
    el("td", {}, e.method), el("td", {}, "/rcms-api/" + currentApi.api_id + "/" + e.path),
    el("td", {}, `${e.category} / ${e.model} / ${e.operation}`),
    el("td", {}, el("code", {}, JSON.stringify(e.settings))),
    el("td", { class: "actions" },
      guard("apis:write", el("button", { type: "button", class: "secondary", "aria-label": `Edit ${e.method} ${e.path}`, onclick: () => editEndpoint(e) }, "Edit")),
      " ",
      guard("apis:write", el("button", { type: "button", class: "danger", "aria-label": `Remove ${e.method} ${e.path}`, onclick: () => removeEndpoint(e.endpoint_id) }, "Remove"))))));
  resetEndpointForm();
  await renderTokens();
}

async function removeEndpoint(endpointId) {
  const result = await call("DELETE", `/admin/apis/${encodeURIComponent(currentApi.api_id)}/endpoints/${endpointId}`);
  if (!result.ok) {
    if (can("apis:write")) showErrors(result.data, "endpoint", $("#endpoint-form"));
    else status(problemText(result.data), true);
    return;
  }
  status("Endpoint removed.");
  await renderApi(currentApi.api_id);
}

// ---- the endpoint form: one form for adding and editing, showing the settings its operation has ----

const requiredMethods = {
  "Authentication|Login|login_challenge": "POST", "Authentication|Login|token": "POST",
  "Authentication|Login|logout": "POST", "Authentication|Login|profile": "GET", "Content|Document|get": "GET",
};
// Settings the form edits: numbers (empty = default), flags with their defaults, and choices (empty = default).
const numberSettings = ["grant_token_lifespan", "session_idle_timeout", "session_lifetime", "login_save_lifetime", "access_token_lifespan", "refresh_token_lifespan"];
const flagSettings = { cookie_partitioned: false, use_refresh_token: true, rotate_refresh_token: false };
const choiceSettings = ["cookie_samesite", "auth"];
const formSettings = [...numberSettings, ...Object.keys(flagSettings), ...choiceSettings, "groups", "rate_limit", "document", "upstream"];
let editing = null; // the endpoint being edited, or null when adding

/** Shows the fieldsets of the selected operation; the others are disabled, so their fields neither validate nor submit. */
function showOperationFields() {
  const form = $("#endpoint-form");
  const operation = form.operation.value;
  form.querySelectorAll("fieldset[data-for]").forEach((fieldset) => {
    const applies = fieldset.dataset.for === operation;
    fieldset.hidden = !applies;
    fieldset.disabled = !applies;
  });
}

$("#endpoint-form").operation.addEventListener("change", () => {
  const form = $("#endpoint-form");
  const method = requiredMethods[form.operation.value];
  if (method) form.method.value = method;
  showOperationFields();
});

function resetEndpointForm() {
  const form = $("#endpoint-form");
  editing = null;
  form.reset();
  form.use_refresh_token.checked = flagSettings.use_refresh_token;
  clearErrors(form);
  $("#endpoint-form-title").textContent = "Add an endpoint";
  $("#save-endpoint").textContent = "Add endpoint";
  $("#cancel-endpoint-edit").hidden = true;
  document.querySelectorAll("#endpoint-table tr.editing").forEach((row) => row.classList.remove("editing"));
  showOperationFields();
}

function editEndpoint(endpoint) {
  resetEndpointForm();
  editing = endpoint;
  const form = $("#endpoint-form");
  const s = endpoint.settings || {};
  form.method.value = endpoint.method;
  form.path.value = endpoint.path;
  const operation = [...form.operation.options].find((o) => o.value.toLowerCase() === `${endpoint.category}|${endpoint.model}|${endpoint.operation}`.toLowerCase());
  if (operation) form.operation.value = operation.value;
  for (const name of numberSettings) form[name].value = s[name] ?? "";
  for (const [name, fallback] of Object.entries(flagSettings)) form[name].checked = s[name] === undefined || s[name] === null ? fallback : s[name] === true || s[name] === 1;
  form.cookie_samesite.value = ["Lax", "Strict", "None"].find((v) => v.toLowerCase() === String(s.cookie_samesite ?? "").toLowerCase()) ?? "";
  form.auth.value = s.auth === "public" ? "public" : "";
  form.groups.value = (s.groups || []).join(", ");
  form.rate_limit_limit.value = s.rate_limit?.limit ?? "";
  form.rate_limit_window.value = s.rate_limit?.window ?? "";
  form.rate_limit_key.value = s.rate_limit?.key === "endpoint" ? "endpoint" : "";
  form.document.value = s.document === undefined ? "" : JSON.stringify(s.document, null, 2);
  form.upstream.value = s.upstream ?? "";
  showOperationFields();
  $("#endpoint-form-title").textContent = `Edit ${endpoint.method} ${endpoint.path}`;
  $("#save-endpoint").textContent = "Update endpoint";
  $("#cancel-endpoint-edit").hidden = false;
  document.querySelectorAll("#endpoint-table tbody tr")[currentApi.endpoints.indexOf(endpoint)]?.classList.add("editing");
  form.scrollIntoView({ block: "nearest" });
  form.path.focus();
}

$("#cancel-endpoint-edit").addEventListener("click", resetEndpointForm);

// Editing a field clears the server's complaint about it (the form's names map onto the error fields).
$("#endpoint-form").addEventListener("input", (event) => {
  const name = event.target.name || "";
  const field = name.startsWith("rate_limit_") ? "settings.rate_limit." + name.slice("rate_limit_".length)
    : ["method", "path", "operation"].includes(name) ? name : "settings." + name;
  const target = $("#endpoint-form").querySelector(`.error[data-error-for="${CSS.escape(field)}"]`);
  if (target) target.textContent = "";
});

/** The settings object from the form; keys the form does not know are kept from the endpoint being edited. */
function endpointSettings(form) {
  const settings = { ...(editing?.settings || {}) };
  for (const name of formSettings) delete settings[name];
  const enabled = (name) => !form[name].closest("fieldset").disabled;
  for (const name of numberSettings) {
    if (enabled(name) && form[name].value !== "") settings[name] = Number(form[name].value);
  }
  for (const [name, fallback] of Object.entries(flagSettings)) {
    if (enabled(name) && form[name].checked !== fallback) settings[name] = form[name].checked;
  }
  if (enabled("cookie_samesite") && form.cookie_samesite.value) settings.cookie_samesite = form.cookie_samesite.value;
  if (form.auth.value) settings.auth = form.auth.value;
  const groups = form.groups.value.split(",").map((g) => g.trim()).filter((g) => g);
  if (groups.length) settings.groups = groups;
  if (form.rate_limit_limit.value !== "" || form.rate_limit_window.value !== "" || form.rate_limit_key.value) {
    settings.rate_limit = { limit: form.rate_limit_limit.value === "" ? null : Number(form.rate_limit_limit.value) };
    if (form.rate_limit_window.value !== "") settings.rate_limit.window = Number(form.rate_limit_window.value);
    if (form.rate_limit_key.value) settings.rate_limit.key = form.rate_limit_key.value;
  }
  if (enabled("upstream") && form.upstream.value.trim()) settings.upstream = form.upstream.value.trim();
  if (enabled("document") && form.document.value.trim()) settings.document = JSON.parse(form.document.value);
  return settings;
}

$("#endpoint-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  clearErrors(form);
  const [category, model, operation] = form.operation.value.split("|");
  let settings;
  try { settings = endpointSettings(form); }
  catch { showErrors({ errors: [{ field: "settings.document", message: "The document must be JSON, e.g. {\"title\": \"hello\"}." }] }, "endpoint", form); return; }
  const body = { method: form.method.value, path: form.path.value.trim(), category, model, operation, settings };
  const base = `/admin/apis/${encodeURIComponent(currentApi.api_id)}/endpoints`;
  const result = editing ? await call("PUT", `${base}/${editing.endpoint_id}`, body) : await call("POST", base, body);
  if (!result.ok) {
    if (result.status === 409 && editing) {
      const needs = (result.data.errors || []).map((e) => "• " + e.message).join("\n");
      showErrors({ errors: [{ field: "endpoint", message: `This change is refused:\n${needs}` }] }, "endpoint", form);
    } else {
      showErrors(result.data, "endpoint", form);
    }
    return;
  }
  status(editing ? `Endpoint ${body.method} ${result.data.path} updated.` : "Endpoint added.");
  await renderApi(currentApi.api_id);
});

showOperationFields();

// ---- the Security pop-up -------------------------------------------------------------------

$("#open-security").addEventListener("click", () => {
  const dialog = $("#security-dialog");
  clearErrors(dialog);
  dialog.querySelectorAll("input[name=mode]").forEach((r) => { r.checked = r.value === currentApi.security.mode; });
  $("#ip-restriction").value = currentApi.security.ip_restriction.join("\n");
  dialog.showModal();
  dialog.querySelector("input[name=mode]:checked")?.focus();
});

$("#cancel-security").addEventListener("click", () => $("#security-dialog").close());

$("#security-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const dialog = $("#security-dialog");
  const mode = dialog.querySelector("input[name=mode]:checked")?.value;
  const lines = $("#ip-restriction").value.split("\n").map((l) => l.trim()).filter((l) => l.length);
  const result = await call("PUT", `/admin/apis/${encodeURIComponent(currentApi.api_id)}/security`, { mode, ip_restriction: lines });
  if (!result.ok) {
    if (result.status === 409) {
      // An unmet requirement of the mode: explain what is missing rather than refuse silently.
      const needs = (result.data.errors || []).map((e) => "• " + e.message).join("\n");
      showErrors({ errors: [{ field: "mode", message: `${modeNames[mode]} cannot be used yet. It needs:\n${needs}` }] }, "mode", dialog);
    } else {
      showErrors(result.data, "mode", dialog);
    }
    return;
  }
  dialog.close();
  status(`Security saved: ${modeNames[mode]}.`);
  await renderApi(currentApi.api_id);
});

// ---- static tokens -------------------------------------------------------------------------

async function renderTokens() {
  const { data } = await call("GET", `/admin/apis/${encodeURIComponent(currentApi.api_id)}/static-tokens`);
  $("#token-table tbody").replaceChildren(...(data.static_tokens || []).map((t) => el("tr", {},
    el("td", {}, t.memo), el("td", {}, when(t.expires_at)), el("td", {}, t.member_id ?? ""),
    el("td", {}, guard("apis:write", el("button", { type: "button", class: "danger", "aria-label": `Revoke token ${t.memo}`, onclick: () => revokeToken(t.id) }, "Revoke"))))));
}

async function revokeToken(id) {
  if (!report(await call("DELETE", `/admin/apis/${encodeURIComponent(currentApi.api_id)}/static-tokens/${encodeURIComponent(id)}`), "Token revoked.")) return;
  await renderTokens();
}

$("#issue-token-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const expiresAt = Math.floor(new Date(form.expires.value + "T23:59:59").getTime() / 1000);
  const result = await call("POST", `/admin/apis/${encodeURIComponent(currentApi.api_id)}/static-tokens`,
    { memo: form.memo.value.trim(), expires_at: expiresAt, member_id: form.member_id.value ? Number(form.member_id.value) : null });
  if (!result.ok) { showErrors(result.data, "token", form); return; }
  form.reset();
  clearErrors(form);
  $("#issued-token-value").textContent = result.data.value;
  $("#issued-token").hidden = false;
  $("#copy-token").focus();
  await renderTokens();
});

$("#copy-token").addEventListener("click", async () => {
  await navigator.clipboard?.writeText($("#issued-token-value").textContent);
  status("Token copied.");
});

// ---- members -------------------------------------------------------------------------------

async function renderMembers() {
  show("members-view");
  const { data } = await call("GET", "/admin/members?limit=200");
  $("#member-table tbody").replaceChildren(...(data.members || []).map((m) => el("tr", {},
    el("td", {}, el("a", { href: "#member/" + m.member_id }, m.member_id)), el("td", {}, m.email),
    el("td", {}, m.email_confirmed ? "confirmed" : "not confirmed"), el("td", {}, m.mfa_enrolled ? "enrolled (TOTP)" : "none"),
    el("td", {}, `${m.name1} ${m.name2}`.trim()), el("td", {}, m.groups.join(", ")), el("td", {}, m.locked ? "locked" : ""))));
}

$("#register-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const groups = form.groups.value.split(",").map((g) => g.trim()).filter((g) => g);
  const result = await call("POST", "/admin/members",
    { email: form.email.value.trim(), password: form.password.value, name1: form.name1.value, name2: form.name2.value, groups });
  if (!result.ok) { showErrors(result.data, "register", form); return; }
  form.reset();
  clearErrors(form);
  status(`Member ${result.data.member_id} registered.`);
  await renderMembers();
});

async function renderMember(id) {
  const result = await call("GET", "/admin/members/" + encodeURIComponent(id));
  if (result.status === 401) return;
  if (!result.ok) { status(`Member ${id} does not exist.`); location.hash = "#members"; return; }
  const m = result.data;
  show("member-view");
  $("#member-title").textContent = `${m.email} (member ${m.member_id})`;
  $("#member-details").textContent = `Email ${m.email_confirmed ? "confirmed" : "not confirmed"} · Groups: ${m.groups.join(", ") || "none"} · ${m.locked ? "locked until " + when(m.locked_until) : "not locked"}`;
  $("#unlock-member").onclick = async () => { if (report(await call("POST", `/admin/members/${id}/unlock`), "Member unlocked.")) await renderMember(id); };
  $("#revoke-all").onclick = async () => { if (report(await call("DELETE", `/admin/members/${id}/sessions`), "Every session revoked.")) await renderMember(id); };
  await renderMfa(id, m.email);
  const sessions = (await call("GET", `/admin/members/${id}/sessions`)).data.sessions || [];
  $("#session-table tbody").replaceChildren(...sessions.map((s) => el("tr", {},
    el("td", {}, s.session_id), el("td", {}, s.kind), el("td", {}, s.api_id ?? ""), el("td", {}, when(s.created_at)),
    el("td", {}, when(s.expires_at)), el("td", {}, s.client_ip ?? ""),
    el("td", {}, guard("members:write", el("button", { type: "button", class: "danger", "aria-label": `Revoke session ${s.session_id}`,
      onclick: async () => { if (report(await call("DELETE", `/admin/members/${id}/sessions/${encodeURIComponent(s.session_id)}`), "Session revoked.")) await renderMember(id); } }, "Revoke"))))));
  const logins = (await call("GET", `/admin/members/${id}/logins`)).data.logins || [];
  $("#login-table tbody").replaceChildren(...logins.map((l) => el("tr", {}, el("td", {}, when(l.at)), el("td", {}, l.client_ip ?? ""), el("td", {}, l.outcome))));
}

/** The member's second factor: state from GET …/mfa, and the reset (POST …/mfa, members:write). */
async function renderMfa(id, email) {
  const result = await call("GET", `/admin/members/${encodeURIComponent(id)}/mfa`);
  const mfa = result.data;
  const button = $("#reset-mfa");
  if (!result.ok) {
    $("#member-mfa").textContent = problemText(mfa);
    button.disabled = true;
    return;
  }
  $("#member-mfa").textContent = mfa.enrolled
    ? `Enrolled (TOTP) since ${when(mfa.enrolled_at)} · ${mfa.recovery_codes_left} recovery code${mfa.recovery_codes_left === 1 ? "" : "s"} left`
    : mfa.pending ? "Not enrolled · a set-up was started but not confirmed" : "Not enrolled";
  guard("members:write", button);
  if (can("members:write")) button.disabled = !mfa.enrolled && !mfa.pending;
  button.onclick = async () => {
    if (!confirm(`Reset the second factor of ${email}? The member will log in with the password alone until it enrols again.`)) return;
    const reset = await call("POST", `/admin/members/${encodeURIComponent(id)}/mfa`);
    if (report(reset, `Second factor of ${email} reset.`)) await renderMfa(id, email);
  };
}

// ---- administrators ------------------------------------------------------------------------

const roleNames = { admin: "admin: every call", operator: "operator: reads, changes members", viewer: "viewer: reads only" };

async function renderAdmins() {
  const result = await call("GET", "/admin/admins");
  show("admins-view");
  if (!result.ok) { status(problemText(result.data), true); return; }
  const body = $("#admin-table tbody");
  body.replaceChildren(...(result.data.admins || []).map((a) => el("tr", {},
    el("td", {}, el("a", { href: "#admin/" + encodeURIComponent(a.admin_id) }, a.name)),
    el("td", {}, roleNames[a.role] || a.role), el("td", {}, when(a.created_at)),
    el("td", {}, guard("admins:write", el("button", { type: "button", class: "danger", "aria-label": `Delete administrator ${a.name}`, onclick: () => deleteAdmin(a) }, "Delete"))))));
  if (!body.children.length) body.append(el("tr", {}, el("td", { colspan: 4 }, "No named administrator yet: only the bootstrap token signs in.")));
}

async function deleteAdmin(admin) {
  if (!confirm(`Delete administrator ${admin.name}? Its tokens stop working within a second.`)) return;
  if (!report(await call("DELETE", `/admin/admins/${encodeURIComponent(admin.admin_id)}`), `Administrator ${admin.name} deleted.`)) return;
  if (location.hash === "#admins") await renderAdmins();
  else { keepStatus = true; location.hash = "#admins"; }
}

$("#create-admin-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const result = await call("POST", "/admin/admins", { name: form.name.value.trim(), role: form.role.value });
  if (!result.ok) { showErrors(result.data, "admin", form); return; }
  form.reset();
  clearErrors(form);
  status(`Administrator ${result.data.name} (${result.data.role}) added: issue it a token below.`);
  keepStatus = true;
  location.hash = "#admin/" + encodeURIComponent(result.data.admin_id);
});

async function renderAdmin(id) {
  const list = await call("GET", "/admin/admins");
  if (list.status === 401) return;
  const admin = (list.data.admins || []).find((a) => a.admin_id === id);
  if (!admin) { status(list.ok ? `Administrator ${id} does not exist.` : problemText(list.data), true); location.hash = "#admins"; return; }
  show("admin-view");
  $("#admin-title").textContent = `${admin.name} (${admin.role})`;
  $("#admin-details").textContent = `${roleNames[admin.role] || admin.role} · created ${when(admin.created_at)} · id ${admin.admin_id}`;
  $("#delete-admin").onclick = () => deleteAdmin(admin);
  const form = $("#issue-admin-token-form");
  form.dataset.adminId = id;
  form.dataset.adminName = admin.name;
  clearErrors(form);
  if (!form.valid_until.value) form.valid_until.value = new Date(Date.now() + 90 * 86400000).toISOString().slice(0, 10);
  // A value issued earlier is never shown again once the page is left.
  $("#issued-admin-token").hidden = true;
  $("#issued-admin-token-value").textContent = "";
  await renderAdminTokens(id);
}

async function renderAdminTokens(id) {
  const result = await call("GET", `/admin/admins/${encodeURIComponent(id)}/tokens`);
  const body = $("#admin-token-table tbody");
  body.replaceChildren(...(result.data.tokens || []).map((t) => el("tr", {},
    el("td", {}, el("code", {}, t.token_id)), el("td", {}, when(t.created_at)), el("td", {}, t.expires_at ? when(t.expires_at) : "never"),
    el("td", {}, guard("admins:write", el("button", { type: "button", class: "danger", "aria-label": `Revoke administrator token ${t.token_id}`, onclick: () => revokeAdminToken(id, t.token_id) }, "Revoke"))))));
  if (!body.children.length) body.append(el("tr", {}, el("td", { colspan: 4 }, "No live token: this administrator cannot sign in.")));
}

async function revokeAdminToken(id, tokenId) {
  if (!report(await call("DELETE", `/admin/admins/${encodeURIComponent(id)}/tokens/${encodeURIComponent(tokenId)}`), `Token ${tokenId} revoked.`)) return;
  await renderAdminTokens(id);
}

$("#issue-admin-token-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const id = form.dataset.adminId;
  const expiresAt = form.valid_until.value ? Math.floor(new Date(form.valid_until.value + "T23:59:59").getTime() / 1000) : null;
  const result = await call("POST", `/admin/admins/${encodeURIComponent(id)}/tokens`, expiresAt === null ? {} : { expires_at: expiresAt });
  if (!result.ok) { showErrors(result.data, "admin-token", form); return; }
  clearErrors(form);
  $("#issued-admin-name").textContent = form.dataset.adminName;
  $("#issued-admin-token-value").textContent = result.data.value;
  $("#issued-admin-token").hidden = false;
  $("#copy-admin-token").focus();
  status(`Token ${result.data.token_id} issued${expiresAt ? ", valid until " + when(expiresAt) : ", without expiry"}.`);
  await renderAdminTokens(id);
});

$("#copy-admin-token").addEventListener("click", async () => {
  await navigator.clipboard?.writeText($("#issued-admin-token-value").textContent);
  status("Token copied.");
});

// ---- audit trail ---------------------------------------------------------------------------

// Paging goes back through `before` values: audit.pages[i] is the `before` of page i (undefined: newest).
const audit = { filter: {}, pages: [undefined], index: 0, next: null };

function auditQuery(before) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(audit.filter)) if (value !== "" && value !== undefined) query.set(key, value);
  if (before !== undefined) query.set("before", before);
  return "/admin/audit?" + query.toString();
}

async function renderAudit() {
  show("audit-view");
  const form = $("#audit-filter-form");
  const result = await call("GET", auditQuery(audit.pages[audit.index]));
  if (!result.ok) { showErrors(result.data, "audit", form); return; }
  clearErrors(form);
  const entries = result.data.entries || [];
  audit.next = result.data.next_before ?? null;
  const body = $("#audit-table tbody");
  body.replaceChildren(...entries.map((e) => el("tr", { class: e.outcome >= 400 ? "refused" : "" },
    el("td", {}, e.seq), el("td", {}, when(e.at)),
    el("td", {}, e.admin, e.credential_id && e.credential_id !== e.admin ? el("div", { class: "hint" }, "credential " + e.credential_id) : ""),
    el("td", {}, el("code", {}, e.action)),
    el("td", {}, ...Object.entries(e.target || {}).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => el("div", {}, `${k}=${v}`))),
    el("td", {}, e.outcome), el("td", { class: "summary-text" }, e.summary), el("td", {}, e.client_ip ?? ""))));
  if (!body.children.length) body.append(el("tr", {}, el("td", { colspan: 8 }, "No entry matches.")));
  $("#audit-newest").disabled = audit.index === 0;
  $("#audit-newer").disabled = audit.index === 0;
  $("#audit-older").disabled = audit.next === null;
  $("#audit-page").textContent = entries.length ? `entries ${entries[0].seq} … ${entries[entries.length - 1].seq}` : "";
}

$("#audit-filter-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const since = form.since.value ? Math.floor(new Date(form.since.value).getTime() / 1000) : "";
  audit.filter = { since, admin: form.admin.value.trim(), api_id: form.api_id.value.trim(), limit: form.limit.value };
  audit.pages = [undefined];
  audit.index = 0;
  await renderAudit();
});

$("#audit-older").addEventListener("click", async () => {
  if (audit.next === null) return;
  audit.pages = audit.pages.slice(0, audit.index + 1).concat([audit.next]);
  audit.index++;
  await renderAudit();
});
$("#audit-newer").addEventListener("click", async () => { if (audit.index > 0) { audit.index--; await renderAudit(); } });
$("#audit-newest").addEventListener("click", async () => { audit.index = 0; await renderAudit(); });

$("#verify-audit").addEventListener("click", async () => {
  const target = $("#verify-result");
  target.className = "";
  target.textContent = "Verifying…";
  const result = await call("GET", "/admin/audit/verify");
  if (!result.ok) { target.className = "bad"; target.textContent = problemText(result.data); return; }
  const v = result.data;
  target.className = v.ok ? "good" : "bad";
  target.textContent = v.ok
    ? `Chain intact: ${v.checked} entr${v.checked === 1 ? "y" : "ies"} checked.`
    : `Chain broken at entry ${v.first_bad_seq}: it was altered or removed (${v.checked} entr${v.checked === 1 ? "y" : "ies"} before it are intact).`;
});

// ---- routing -------------------------------------------------------------------------------

async function route() {
  if (!sessionStorage.getItem("adminToken")) { signOut(); return; }
  if (!session() && !(await startSession()).ok) { signOut(); return; }
  if (!keepStatus) status("");
  keepStatus = false;
  const [page, id] = decodeURIComponent(location.hash.slice(1)).split("/");
  if (page === "api" && id) await renderApi(id);
  else if (page === "members") await renderMembers();
  else if (page === "member" && id) await renderMember(id);
  else if (page === "admins") await renderAdmins();
  else if (page === "admin" && id) await renderAdmin(id);
  else if (page === "audit") await renderAudit();
  else await renderApis();
}

window.addEventListener("hashchange", route);
route();
