// A legacy forum's JSON endpoint, for the adapter format additions no shipped
// adapter needs (e2e/adapter-formats.test.mjs). Mounted on the test site's own
// origin (e2e/servers/site.mjs `handler`), as such endpoints usually are:
//
//   GET  /legacy/posts/{post}/comments?per=N[&page=K]
//        → a root array, flat, newest first (so the first pages hold replies whose
//          parents come later); `Link: <…&page=K+1>; rel="next"`; `X-Total`.
//        item: {"comment_id": int, "reply_to": 0 | int, "name": HTML-escaped,
//               "text": HTML-escaped, "posted": "YYYY-MM-DD HH:MM:SS" in Vietnam time}
//   POST /legacy/posts/{post}/comments  {"post_id": int, "reply_to": 0 | int, "name",
//        "text", "page": the article's URL}; CSRF: X-CSRF-Token must be the page's
//        <meta name="csrf-token">, X-XSRF-TOKEN the XSRF-TOKEN cookie.
//        → 201 {"comment": item}; refusals are plain text (403, 422).
const escape = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/// Vietnam's wall clock (UTC+7, no daylight saving) for an instant.
export function vietnamTime(ms) {
  return new Date(ms + 7 * 3600_000).toISOString().slice(0, 19).replace("T", " ");
}

export const XSRF = "xsrf/1=a b";

export function createLegacyApi() {
  const base = Date.UTC(2024, 0, 18, 3, 0, 0);
  const comments = [];
  let next = 1;
  const add = (reply_to, name, text, ms) => {
    const c = { comment_id: next++, reply_to, name, text, ms };
    comments.push(c);
    return c;
  };
  // 10 top-level comments, then 15 replies, all newer than every top-level one.
  const tops = [];
  for (let i = 0; i < 10; i++) tops.push(add(0, i % 3 === 0 ? "Lê & <Hà>" : `Bạn đọc ${i + 1}`, `Ý kiến ${i + 1}: <b>không in đậm</b> & rõ ràng`, base + i * 60_000));
  for (let i = 0; i < 15; i++) add(tops[i % 10].comment_id, "Người trả lời", `Trả lời ${i + 1}`, base + 3600_000 + i * 60_000);
  const requests = [];
  const toApi = (c) => ({ comment_id: c.comment_id, reply_to: c.reply_to, name: escape(c.name), text: escape(c.text), posted: vietnamTime(c.ms) });
  const route = /^\/legacy\/posts\/([^/]+)\/comments$/;

  async function handler(req, res, url) {
    const m = route.exec(url.pathname);
    if (!m) return false;
    let raw = "";
    for await (const chunk of req) raw += chunk;
    const entry = { method: req.method, url, headers: req.headers, body: raw };
    requests.push(entry);
    const text = (status, message) => {
      res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8" });
      res.end(message);
    };
    if (req.method === "GET") {
      const per = Math.max(1, Math.min(100, Number(url.searchParams.get("per") ?? 10)));
      const page = Math.max(1, Number(url.searchParams.get("page") ?? 1));
      const sorted = [...comments].sort((a, b) => b.ms - a.ms);
      const items = sorted.slice((page - 1) * per, page * per).map(toApi);
      const headers = { "Content-Type": "application/json", "X-Total": String(comments.length) };
      if (page * per < sorted.length) {
        headers.Link = `<${url.pathname}?per=${per}&page=${page + 1}>; rel="next", <${url.pathname}?per=${per}&page=1>; rel="first"`;
      }
      res.writeHead(200, headers);
      res.end(JSON.stringify(items));
      return true;
    }
    if (req.method !== "POST") return text(405, "Method not allowed"), true;
    const cookie = /(?:^|;\s*)XSRF-TOKEN=([^;]*)/.exec(req.headers.cookie ?? "")?.[1];
    if (req.headers["x-csrf-token"] !== `csrf-${m[1]}` || !cookie || req.headers["x-xsrf-token"] !== decodeURIComponent(cookie)) {
      return text(403, "  CSRF token mismatch: reload the page and try again.\n"), true;
    }
    let body;
    try {
      body = JSON.parse(raw);
    } catch {
      return text(400, "Bad JSON"), true;
    }
    if (!Number.isInteger(body.post_id) || !Number.isInteger(body.reply_to)) {
      return text(422, "post_id and reply_to must be integers"), true;
    }
    const c = add(body.reply_to, body.name, body.text, Date.now());
    res.writeHead(201, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ comment: toApi(c) }));
    return true;
  }

  return { handler, comments, requests, vietnamTime };
}
