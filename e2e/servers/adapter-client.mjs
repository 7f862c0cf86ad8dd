// A Node client of a comment API driven by an adapter, reading docs/adapter.md the
// way the widget must: paths, templates with typed placeholders, paging and its stop
// rules, the create template. e2e/adapters.test.mjs uses it to check, without the
// browser, that each example adapter and its test server agree; a failure there
// points at the adapter or the server, not at the widget.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { REPO_ROOT } from "./paths.mjs";

/// An example adapter from adapters/.
export const adapterFile = (name) => JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "adapters", name), "utf8"));

/// The "full adapter, with the defaults" block of docs/adapter.md.
export function documentedDefaults() {
  const doc = fs.readFileSync(path.join(REPO_ROOT, "docs/adapter.md"), "utf8");
  const section = doc.slice(doc.indexOf("## The full adapter"));
  const block = /```json\n([\s\S]*?)```/.exec(section);
  assert.ok(block, "docs/adapter.md has the full adapter as a json block");
  return JSON.parse(block[1]);
}

/// The reader actions (docs/adapter.md, "Reader actions"): each an object or null.
const ACTIONS = ["like", "unlike", "report", "edit", "delete"];
const NULLABLE = new Set([
  "error", "list.total", "list.totalHeader", "comment.parent", "comment.status",
  "comment.replies", "create.idempotencyHeader", "create.item", "list.heldParam", "create.token",
  "comment.likes", "comment.replyCount", "comment.edited",
  ...ACTIONS, "like.count", "like.liked", "unlike.count", "unlike.liked", "edit.item", "delete.item",
  "sort.newest", "sort.oldest", "sort.top",
]);
const FIELD_RULES = ["off", "optional", "required"];
const STATUS_MEANINGS = ["published", "pending", "rejected", "deleted"];
const ENUMS = {
  credentials: ["omit", "same-origin", "include"],
  order: ["newest", "oldest"],
  bodyFormat: ["text", "html"],
  timeFormat: ["iso", "unix", "unixMs"],
};
const PAGING_KEYS = {
  cursor: ["type", "param", "next"],
  page: ["type", "param", "first", "size", "sizeParam"],
  offset: ["type", "param", "size", "sizeParam"],
  none: ["type"],
};
const kind = (v) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

/// Every key documented, of the documented type (unknown keys are errors in the widget).
export function checkShape(adapter, defaults, where = "") {
  for (const [key, value] of Object.entries(adapter)) {
    const at = where ? `${where}.${key}` : key;
    assert.ok(key in defaults, `${at}: not a documented adapter key`);
    const def = defaults[key];
    const sortQuery = /^sort\.(newest|oldest|top)$/.test(at) && value !== null;
    if (at === "list.query" || at === "list.headers" || at === "create.headers" || sortQuery ||
        ACTIONS.some((a) => at === `${a}.headers`)) {
      assert.equal(kind(value), "object", `${at}: an object of templates`);
      for (const v of Object.values(value)) assert.equal(typeof v, "string", `${at}: templates are strings`);
    } else if (ACTIONS.some((a) => at === `${a}.body`)) {
      assert.ok(value === null || kind(value) === "object", `${at}: a JSON object template or null`);
    } else if (at === "report.reasons") {
      assert.ok(Array.isArray(value) && value.length >= 1 && value.length <= 20, `${at}: 1 to 20 reasons`);
      for (const [i, r] of value.entries()) {
        assert.deepEqual(Object.keys(r).filter((k) => !["code", "label", "note"].includes(k)), [], `${at}.${i}: keys`);
        assert.ok(typeof r.code === "string" && r.code !== "", `${at}.${i}.code`);
        assert.ok(typeof r.label === "string" || (kind(r.label) === "object" && typeof r.label.vi === "string"), `${at}.${i}.label`);
        if ("note" in r) assert.ok(FIELD_RULES.includes(r.note), `${at}.${i}.note: ${r.note}`);
      }
    } else if (at === "statusMap") {
      for (const v of Object.values(value)) assert.ok(STATUS_MEANINGS.includes(v), `${at}: ${v} is not one of ${STATUS_MEANINGS}`);
    } else if (at === "create.body") {
      assert.equal(kind(value), "object", `${at}: a JSON object template`);
    } else if (at === "list.paging") {
      assert.ok(value.type in PAGING_KEYS, `${at}.type: ${value.type}`);
      for (const k of Object.keys(value)) assert.ok(PAGING_KEYS[value.type].includes(k), `${at}.${k}: not a ${value.type} paging key`);
    } else if (value === null || def === null) {
      assert.ok(NULLABLE.has(at), `${at}: may not be null`);
      if (value !== null) assert.equal(typeof value, "string", `${at}: a path or header name`);
    } else {
      assert.equal(kind(value), kind(def), `${at}: expected ${kind(def)}`);
      if (ENUMS[at]) assert.ok(ENUMS[at].includes(value), `${at}: ${value} is not one of ${ENUMS[at]}`);
      if (kind(def) === "object") checkShape(value, def, at);
      if (at === "create.created" || at === "create.held") {
        for (const s of value) assert.ok(Number.isInteger(s) && s >= 100 && s < 600, `${at}: ${s}`);
      }
    }
  }
}

/// A dot path; a numeric segment indexes an array; "" is the value itself.
export function at(value, p) {
  if (p === "") return value;
  for (const seg of p.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = Array.isArray(value) ? (/^\d+$/.test(seg) ? value[+seg] : undefined) : value[seg];
  }
  return value;
}

/// Placeholders: a string that is exactly one placeholder takes the typed value.
export function fill(template, vars) {
  if (typeof template === "string") {
    const whole = /^\{(\w+)\}$/.exec(template);
    if (whole && whole[1] in vars) return vars[whole[1]];
    return template.replace(/\{(\w+)\}/g, (all, k) => (k in vars ? String(vars[k] ?? "") : all));
  }
  if (Array.isArray(template)) return template.map((t) => fill(t, vars));
  if (template && typeof template === "object") {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fill(v, vars)]));
  }
  return template;
}

function toMs(value, format) {
  if (format === "iso") return typeof value === "string" ? Date.parse(value) : NaN;
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  return format === "unix" ? n * 1000 : n;
}

/// Reads the whole thread page by page through the adapter, checking every item.
export async function readThroughAdapter(a, origin, api, thread) {
  const comments = new Map();
  const requests = [];
  let total = null;
  let page = a.list.paging.type === "page" ? a.list.paging.first : 0;
  for (let round = 0; round < 100; round++) {
    const url = new URL(fill(a.list.url, { api: origin + api, thread: encodeURIComponent(thread) }));
    for (const [k, v] of Object.entries(a.list.query)) url.searchParams.set(k, fill(v, { thread }));
    const paging = a.list.paging;
    if (paging.type === "page" || paging.type === "offset") {
      url.searchParams.set(paging.param, String(page));
      if (paging.sizeParam) url.searchParams.set(paging.sizeParam, String(paging.size));
    }
    requests.push(url.search);
    const res = await fetch(url, { headers: fill(a.list.headers, { thread }) });
    assert.equal(res.status, 200, `GET ${url}`);
    const body = await res.json();
    const items = at(body, a.list.items);
    assert.ok(Array.isArray(items), `list.items "${a.list.items}" is an array`);
    if (a.list.total !== null) total = at(body, a.list.total);
    else if (a.list.totalHeader) total = Number(res.headers.get(a.list.totalHeader));
    assert.ok(Number.isInteger(total), `a total is known (got ${total})`);

    const c = a.comment;
    const visit = (item, container) => {
      const id = at(item, c.id);
      assert.ok(typeof id === "string" || Number.isInteger(id), `comment.id: ${JSON.stringify(item)}`);
      const parent = c.parent === null ? container : at(item, c.parent) ?? container;
      const body = at(item, c.body);
      assert.equal(typeof body, "string", `comment.body of ${id}`);
      const author = at(item, c.author);
      assert.ok(author === undefined || typeof author === "string", `comment.author of ${id}`);
      const created = toMs(at(item, c.created), a.timeFormat);
      assert.ok(created > Date.UTC(2020, 0) && created < Date.UTC(2100, 0), `comment.created of ${id}: ${created}`);
      const status = c.status === null ? null : at(item, c.status);
      assert.ok(!comments.has(String(id)), `duplicate id ${id} (stable data, so paging is wrong)`);
      comments.set(String(id), { id, parent, author, body, created, status });
      if (c.replies !== null) {
        const children = at(item, c.replies) ?? [];
        assert.ok(Array.isArray(children), `comment.replies of ${id}`);
        for (const child of children) visit(child, id);
      }
    };
    for (const item of items) visit(item, null);

    // The stop rules of docs/adapter.md ("Paging shapes").
    if (paging.type === "cursor") throw new Error("cursor paging is not used by these adapters");
    if (paging.type === "none" || items.length < paging.size) break;
    if (paging.type === "page" && (page - paging.first + 1) * paging.size >= total) break;
    if (paging.type === "offset" && page + items.length >= total) break;
    page = paging.type === "page" ? page + 1 : page + items.length;
  }
  for (const cm of comments.values()) {
    if (cm.parent !== null) assert.ok(comments.has(String(cm.parent)), `parent ${cm.parent} of ${cm.id} is in the thread`);
  }
  return { comments, total, requests };
}

/// Sends one of the adapter's reader actions (`like`, `report`, …) for comment `id`,
/// as the widget would: `{id}` percent-encoded in the URL and typed in the body.
export async function actThroughAdapter(a, origin, api, thread, action, id, { device = "", reason = "", note = "" } = {}) {
  const t = a[action];
  assert.ok(t, `the adapter has ${action}`);
  const url = fill(t.url, { api: origin + api, thread: encodeURIComponent(thread), id: encodeURIComponent(String(id)), device });
  const vars = { thread, id, device, reason, note };
  const headers = fill(t.headers ?? {}, vars);
  const sent = t.body === null || t.body === undefined ? null : fill(t.body, vars);
  if (sent !== null) headers["Content-Type"] = "application/json";
  const res = await fetch(url, { method: t.method ?? "POST", headers, body: sent === null ? undefined : JSON.stringify(sent) });
  const json = await res.json().catch(() => null);
  const ok = t.ok?.length ? t.ok.includes(res.status) : res.status >= 200 && res.status < 300;
  return { status: res.status, ok, json, sent };
}

/// Posts through the adapter's create template, as the widget would.
export async function createThroughAdapter(a, origin, api, thread, { author, body, parent = null, key = randomUUID() }) {
  const now = Date.now();
  const vars = { thread, author, body, parent, key, nowIso: new Date(now).toISOString(), nowMs: now, nowS: now / 1000 };
  const url = fill(a.create.url, { api: origin + api, thread: encodeURIComponent(thread) });
  const headers = { "Content-Type": "application/json", ...fill(a.create.headers, vars) };
  if (a.create.idempotencyHeader) headers[a.create.idempotencyHeader] = key;
  const sent = fill(a.create.body, vars);
  const res = await fetch(url, { method: a.create.method, headers, body: JSON.stringify(sent) });
  const json = await res.json().catch(() => null);
  return { status: res.status, json, sent, item: a.create.item === null ? null : at(json, a.create.item) };
}
