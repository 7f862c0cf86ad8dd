// A forum-style comment API shaped unlike ykien's own (adapters/nested-offset.json),
// as a plain Node `http` server with an in-memory store:
//
//   GET  /api/threads/{thread}/posts?offset=0&limit=20
//        → 200 {"data": {"items": [post…]}, "meta": {"total": N, "offset", "limit"}}
//        items: published top-level posts, newest first; replies nested in
//        `children` (oldest first, recursively); total: published posts, all depths.
//   POST /api/threads/{thread}/posts   {"reply_to", "display_name", "content_html", "client_ts"}
//        → 201 {"data": post}, or 202 {"data": post with state "queued"} when the
//        text contains "#moderate" (held posts are neither listed nor counted).
//        Header X-Request-Id makes it idempotent: a repeated id in the same thread
//        answers the first response again and stores nothing.
//   POST /api/threads/{thread}/posts/{post_id}/like   {"device": "…"}
//        → 200 {"data": {"post_id", "likes": N, "liked": bool}}: a toggle, one like per
//        device (8–128 of [A-Za-z0-9_-]); the same device again takes it back.
//   POST /api/threads/{thread}/posts/{post_id}/flags  {"reason", "note"}
//        → 201 {"data": {"flag_id", "post_id", "reason"}}: a report for the
//        moderators; `reason` one of FLAG_REASONS, `note` a string of at most
//        FLAG_NOTE_MAX characters, required for "other", ignored for "spam".
//        Both: 404 for a post that is not there (unknown, queued or removed).
//   errors → 4xx/5xx {"errors": [{"detail": "…"}]}: 422 for empty content (after
//        removing markup) or a bad reply_to/client_ts/device/reason/note, 404, 405,
//        415, 400, 413, 503 when down.
//   post: {"post_id": int, "by": {"display_name"}, "content_html", "ts": Unix seconds
//        (fractional), "state": "published"|"queued", "likes": int,
//        "children": [post…]}
//   No sorting, no editing or deleting by the author: the forum has none.
//
// Everything else is static files (paths.mjs), HTML with the reference server's CSP.
//
// Test controls: setDown(bool) (API answers 503), setDelay(ms), hold() (API requests
// wait until the returned release() is called: a deterministic "slow" network),
// loseNextCreateResponse() (the next POST is stored, then answered 503, as when a
// proxy times out after the commit), store.remove(thread, id) (a moderator takes a
// post down), and a request log with waitForRequest().
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { EventEmitter } from "node:events";
import { mounts, STRICT_CSP } from "./paths.mjs";
import { demoThread } from "./nested-offset-data.mjs";

const API_PREFIX = "/api/";
const POSTS_ROUTE = /^\/api\/threads\/([^/]+)\/posts$/;
/// A post's own requests: [, thread, post_id, "like" | "flags"].
const POST_ACTION_ROUTE = /^\/api\/threads\/([^/]+)\/posts\/([^/]+)\/(like|flags)$/;
const DEFAULT_LIMIT = 20;
/// High enough for the widget benchmark's one-response thread of 1,000 comments.
const MAX_LIMIT = 1000;
const MAX_REQUEST_BYTES = 64 * 1024;
const MAX_CONTENT_CHARS = 5000;
const MAX_NAME_CHARS = 80;
const MAX_REQUEST_ID = 200;
const DEVICE = /^[A-Za-z0-9_-]{8,128}$/;
export const FLAG_NOTE_MAX = 500;

/// The reasons a post can be flagged for, and whether a note goes with it (the
/// forum's own list; adapters/nested-offset.json offers exactly these).
export const FLAG_REASONS = [
  { code: "spam", note: "off" },
  { code: "abuse", note: "optional" },
  { code: "other", note: "required" },
];

/// As the reference server (server/src/static_files.rs).
const CONTENT_TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
};

export const MESSAGES = {
  empty: "Nội dung bài viết không được để trống.",
  tooLong: `Nội dung bài viết dài quá ${MAX_CONTENT_CHARS} ký tự.`,
  nameTooLong: `Tên hiển thị dài quá ${MAX_NAME_CHARS} ký tự.`,
  parentMissing: "Bài viết được trả lời không tồn tại.",
  postMissing: "Bài viết không tồn tại hoặc đã bị gỡ.",
  flagNote: "Hãy cho ban quản trị biết lý do.",
  down: "Máy chủ bình luận tạm thời không phản hồi, vui lòng thử lại.",
};

const errors = (...details) => ({ errors: details.map((detail) => ({ detail })) });

/// The posts of every thread, flat; nesting happens when a page is rendered.
/// Likes are kept per post as the set of devices; flags as a list.
class Store {
  constructor(threads) {
    this.threads = new Map();
    /// `${thread}\0${post_id}` → Set of device ids.
    this.likes = new Map();
    /// Every flag: { flag_id, thread, post_id, reason, note, ts }.
    this.flags = [];
    let maxId = 0;
    for (const [thread, posts] of Object.entries(threads)) {
      this.threads.set(
        thread,
        posts.map(({ liked_by = [], ...p }) => {
          if (liked_by.length > 0) this.likes.set(likeKey(thread, p.post_id), new Set(liked_by));
          return structuredClone(p);
        }),
      );
      for (const p of posts) maxId = Math.max(maxId, p.post_id);
    }
    this.nextId = maxId + 1;
  }

  /// Every stored post of a thread (flat records, including queued ones).
  posts(thread) {
    return this.threads.get(thread) ?? [];
  }

  find(thread, id) {
    return this.posts(thread).find((p) => p.post_id === id);
  }

  total(thread) {
    return this.posts(thread).filter((p) => p.state === "published").length;
  }

  /// Published top-level posts, newest first, `offset`/`limit` applied, as API posts.
  page(thread, offset, limit) {
    const top = this.posts(thread)
      .filter((p) => p.reply_to === null && p.state === "published")
      .sort((a, b) => b.ts - a.ts || b.post_id - a.post_id);
    return top.slice(offset, offset + limit).map((p) => this.toApi(thread, p));
  }

  toApi(thread, p) {
    const children = this.posts(thread)
      .filter((c) => c.reply_to === p.post_id && c.state === "published")
      .sort((a, b) => a.ts - b.ts || a.post_id - b.post_id)
      .map((c) => this.toApi(thread, c));
    const { post_id, by, content_html, ts, state } = p;
    return { post_id, by, content_html, ts, state, likes: this.likeCount(thread, post_id), children };
  }

  likeCount(thread, id) {
    return this.likes.get(likeKey(thread, id))?.size ?? 0;
  }

  /// Whether `device` likes post `id`.
  likedBy(thread, id, device) {
    return this.likes.get(likeKey(thread, id))?.has(device) ?? false;
  }

  /// Likes post `id` for `device`, or takes the like back: whether it likes it now.
  toggleLike(thread, id, device) {
    const key = likeKey(thread, id);
    if (!this.likes.has(key)) this.likes.set(key, new Set());
    const devices = this.likes.get(key);
    if (devices.has(device)) {
      devices.delete(device);
      return false;
    }
    devices.add(device);
    return true;
  }

  flag(thread, post_id, reason, note) {
    const flag = { flag_id: this.flags.length + 1, thread, post_id, reason, note, ts: Date.now() / 1000 };
    this.flags.push(flag);
    return flag;
  }

  /// The flags of a post, oldest first.
  flagsOf(thread, id) {
    return this.flags.filter((f) => f.thread === thread && f.post_id === id);
  }

  /// Takes a post down (a moderator's doing): no longer listed, counted or likeable.
  remove(thread, id) {
    const p = this.find(thread, id);
    if (p) p.state = "removed";
  }

  add(thread, record) {
    const post = { post_id: this.nextId++, ...record };
    if (!this.threads.has(thread)) this.threads.set(thread, []);
    this.threads.get(thread).push(post);
    return post;
  }
}

/// Starts the server on a free loopback port.
export async function start({ siteDir, delayMs = 0, threads = { demo: demoThread() } } = {}) {
  if (!siteDir) throw new Error("nested-offset: siteDir is required");
  const store = new Store(threads);
  const staticMounts = mounts(path.resolve(siteDir));
  /// Every API request: { method, path, query, headers, body, rawBody, status, response }.
  const requests = [];
  const changes = new EventEmitter();
  changes.setMaxListeners(0);
  /// Idempotency: `${thread}\0${X-Request-Id}` → the first response.
  const replies = new Map();
  let down = false;
  let delay = delayMs;
  let gate = null;
  /// Release functions of every hold() not yet released (all released on stop).
  const holds = new Set();
  let loseNext = false;

  function list(thread, query) {
    const offset = query.get("offset") ?? "0";
    const limit = query.get("limit") ?? String(DEFAULT_LIMIT);
    if (!/^\d{1,9}$/.test(offset)) return [400, errors("offset must be a non-negative integer")];
    if (!/^\d{1,9}$/.test(limit) || +limit < 1 || +limit > MAX_LIMIT) {
      return [400, errors(`limit must be an integer from 1 to ${MAX_LIMIT}`)];
    }
    const items = store.page(thread, +offset, +limit);
    return [200, { data: { items }, meta: { total: store.total(thread), offset: +offset, limit: +limit } }];
  }

  function create(thread, headers, raw) {
    if (!/^application\/json\b/i.test(headers["content-type"] ?? "")) {
      return [415, errors("Content-Type must be application/json")];
    }
    const requestId = headers["x-request-id"];
    if (requestId !== undefined && (requestId.length === 0 || requestId.length > MAX_REQUEST_ID)) {
      return [400, errors(`X-Request-Id must be 1 to ${MAX_REQUEST_ID} characters`)];
    }
    const key = requestId === undefined ? null : `${thread}\0${requestId}`;
    if (key && replies.has(key)) {
      const first = replies.get(key);
      return [first.status, first.body];
    }
    let input;
    try {
      input = JSON.parse(raw);
    } catch {
      return [400, errors("The request body is not valid JSON")];
    }
    if (input === null || typeof input !== "object" || Array.isArray(input)) {
      return [400, errors("The request body must be a JSON object")];
    }
    const { reply_to = null, display_name = "", content_html, client_ts } = input;
    // Typed strictly, like many real APIs: a quoted "12" for an integer field, or a
    // string time, is refused. This is what checks the adapter's typed placeholders.
    if (typeof content_html !== "string") return [422, errors("content_html must be a string")];
    const visible = content_html.replace(/<[^>]*>/g, "").replace(/&nbsp;|&#160;/g, " ").trim();
    if (visible.length === 0) return [422, errors(MESSAGES.empty)];
    if ([...content_html].length > MAX_CONTENT_CHARS) return [422, errors(MESSAGES.tooLong)];
    if (typeof display_name !== "string") return [422, errors("display_name must be a string")];
    const name = display_name.trim() || "Ẩn danh";
    if ([...name].length > MAX_NAME_CHARS) return [422, errors(MESSAGES.nameTooLong)];
    if (reply_to !== null && !Number.isInteger(reply_to)) {
      return [422, errors("reply_to must be an integer post_id or null")];
    }
    if (reply_to !== null && store.find(thread, reply_to)?.state !== "published") {
      return [422, errors(MESSAGES.parentMissing)];
    }
    if (client_ts !== undefined && !Number.isFinite(client_ts)) {
      return [422, errors("client_ts must be a number of Unix seconds")];
    }
    const held = /#moderate\b/i.test(content_html);
    const post = store.add(thread, {
      reply_to,
      by: { display_name: name },
      content_html,
      ts: Date.now() / 1000,
      state: held ? "queued" : "published",
    });
    const response = [held ? 202 : 201, { data: store.toApi(thread, post) }];
    if (key) replies.set(key, { status: response[0], body: response[1] });
    if (loseNext) {
      loseNext = false;
      return [503, errors(MESSAGES.down)];
    }
    return response;
  }

  /// The published post a like or flag is for, or the 404 answer.
  function target(thread, rawId) {
    const id = /^\d{1,9}$/.test(rawId) ? Number(rawId) : null;
    const post = id === null ? undefined : store.find(thread, id);
    return post?.state === "published" ? { post } : { refused: [404, errors(MESSAGES.postMissing)] };
  }

  /// The request body as a JSON object, or the refusal.
  function jsonObject(headers, raw) {
    if (!/^application\/json\b/i.test(headers["content-type"] ?? "")) {
      return { refused: [415, errors("Content-Type must be application/json")] };
    }
    let input;
    try {
      input = JSON.parse(raw);
    } catch {
      return { refused: [400, errors("The request body is not valid JSON")] };
    }
    if (input === null || typeof input !== "object" || Array.isArray(input)) {
      return { refused: [400, errors("The request body must be a JSON object")] };
    }
    return { input };
  }

  function like(thread, rawId, headers, raw) {
    const { post, refused } = target(thread, rawId);
    if (refused) return refused;
    const body = jsonObject(headers, raw);
    if (body.refused) return body.refused;
    const { device } = body.input;
    if (typeof device !== "string" || !DEVICE.test(device)) {
      return [422, errors("device must be 8 to 128 letters, digits, '-' or '_'")];
    }
    const liked = store.toggleLike(thread, post.post_id, device);
    return [200, { data: { post_id: post.post_id, likes: store.likeCount(thread, post.post_id), liked } }];
  }

  function flag(thread, rawId, headers, raw) {
    const { post, refused } = target(thread, rawId);
    if (refused) return refused;
    const body = jsonObject(headers, raw);
    if (body.refused) return body.refused;
    const { reason, note = "" } = body.input;
    const rule = FLAG_REASONS.find((r) => r.code === reason);
    if (!rule) return [422, errors(`reason must be one of ${FLAG_REASONS.map((r) => r.code).join(", ")}`)];
    if (typeof note !== "string") return [422, errors("note must be a string")];
    if ([...note].length > FLAG_NOTE_MAX) return [422, errors(`note is longer than ${FLAG_NOTE_MAX} characters`)];
    const text = rule.note === "off" ? "" : note.trim();
    if (rule.note === "required" && text === "") return [422, errors(MESSAGES.flagNote)];
    const stored = store.flag(thread, post.post_id, reason, text);
    return [201, { data: { flag_id: stored.flag_id, post_id: post.post_id, reason } }];
  }

  async function api(req, res, url) {
    const entry = {
      method: req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      rawBody: "",
      body: undefined,
      status: undefined,
      response: undefined,
    };
    const raw = await readBody(req, MAX_REQUEST_BYTES);
    if (raw === null) {
      return sendJson(res, 413, errors(`The request is larger than ${MAX_REQUEST_BYTES} bytes`));
    }
    entry.rawBody = raw;
    try {
      entry.body = entry.rawBody ? JSON.parse(entry.rawBody) : undefined;
    } catch {
      entry.body = undefined;
    }
    requests.push(entry);
    changes.emit("change");

    if (gate) await gate;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));

    let result;
    const route = POSTS_ROUTE.exec(url.pathname);
    const action = POST_ACTION_ROUTE.exec(url.pathname);
    const thread = decodeThread((route ?? action)?.[1]);
    if (down) {
      result = [503, errors(MESSAGES.down)];
    } else if (!route && !action) {
      result = [404, errors(`No route ${url.pathname}`)];
    } else if (thread === null) {
      result = [400, errors("Malformed thread id")];
    } else if (action) {
      const [, , id, what] = action;
      if (req.method !== "POST") result = [405, errors("Method not allowed"), { Allow: "POST" }];
      else if (what === "like") result = like(thread, id, req.headers, entry.rawBody);
      else result = flag(thread, id, req.headers, entry.rawBody);
    } else if (req.method === "GET") {
      result = list(thread, url.searchParams);
    } else if (req.method === "POST") {
      result = create(thread, req.headers, entry.rawBody);
    } else {
      result = [405, errors("Method not allowed"), { Allow: "GET, POST" }];
    }
    const [status, body, headers] = result;
    entry.status = status;
    entry.response = body;
    sendJson(res, status, body, headers);
    changes.emit("change");
  }

  function serveStatic(req, res, url) {
    if (req.method !== "GET" && req.method !== "HEAD") {
      return sendJson(res, 405, errors("Method not allowed"), { Allow: "GET, HEAD" });
    }
    let pathname;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      return sendJson(res, 400, errors("Malformed path"));
    }
    const [prefix, dir] = staticMounts.find(([p]) => pathname.startsWith(p)) ?? [];
    if (!dir || pathname.includes("\0")) return sendJson(res, 404, errors("Not found"));
    let file = path.resolve(dir, "." + pathname.slice(prefix.length - 1));
    if (file !== dir && !file.startsWith(dir + path.sep)) return sendJson(res, 404, errors("Not found"));
    let stat = statOrNull(file);
    if (stat?.isDirectory()) {
      file = path.join(file, "index.html");
      stat = statOrNull(file);
    }
    if (!stat?.isFile()) return sendJson(res, 404, errors("Not found"));
    const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream";
    const headers = {
      "Content-Type": type,
      "Content-Length": stat.size,
      "Cache-Control": "no-cache",
      "X-Content-Type-Options": "nosniff",
    };
    if (type.startsWith("text/html")) headers["Content-Security-Policy"] = STRICT_CSP;
    res.writeHead(200, headers);
    if (req.method === "HEAD") return res.end();
    fs.createReadStream(file).pipe(res);
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://localhost");
    const work = url.pathname.startsWith(API_PREFIX) ? api(req, res, url) : serveStatic(req, res, url);
    Promise.resolve(work).catch((e) => {
      if (!res.headersSent) sendJson(res, 500, errors(`internal: ${e.message}`));
      else res.destroy();
    });
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const baseUrl = `http://127.0.0.1:${server.address().port}`;

  let stopped = false;
  return {
    baseUrl,
    api: "/api",
    thread: "demo",
    store,
    requests,
    setDown(value) {
      down = Boolean(value);
    },
    setDelay(ms) {
      delay = ms;
    },
    /// API requests arriving from now on wait until the returned function is called.
    hold() {
      let resolve;
      const held = new Promise((r) => (resolve = r));
      gate = held;
      const release = () => {
        if (gate === held) gate = null;
        holds.delete(release);
        resolve();
      };
      holds.add(release);
      return release;
    },
    loseNextCreateResponse() {
      loseNext = true;
    },
    /// Resolves with the first logged API request (from index `from` on) matching
    /// `pred`, now or when it arrives; `pred` sees `status` once it was answered.
    waitForRequest(pred, { from = 0, timeoutMs = 10_000 } = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = requests.slice(from).find(pred);
          if (!hit) return false;
          clearTimeout(timer);
          changes.off("change", check);
          resolve(hit);
          return true;
        };
        const timer = setTimeout(() => {
          changes.off("change", check);
          reject(new Error(`nested-offset: no matching request within ${timeoutMs} ms; log: ` +
            requests.slice(from).map((r) => `${r.method} ${r.path} ${r.status ?? "…"}`).join(", ")));
        }, timeoutMs);
        if (!check()) changes.on("change", check);
      });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const release of [...holds]) release();
      await new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

const likeKey = (thread, id) => `${thread}\0${id}`;

function decodeThread(raw) {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

function statOrNull(file) {
  try {
    return fs.statSync(file);
  } catch {
    return null;
  }
}

/// The request body as text, or null when it is over `limit` bytes (read to the end
/// anyway, so the 413 answer reaches the client).
function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on("data", (chunk) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on("end", () => resolve(size > limit ? null : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sendJson(res, status, body, extra = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    ...extra,
  });
  res.end(text);
}
