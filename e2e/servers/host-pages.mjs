// Helpers for tests that shape the host page or fake the comment API inside one
// browser context, through Playwright's request routing on the shared server's origin
// (YKIEN_BASE_URL): the demo pages with their ykien script tag rewritten, pages made
// up for a test, and a scripted comment API that logs every request it receives.
import assert from "node:assert/strict";
import { BASE } from "../browser.mjs";

/// A value for a double-quoted HTML attribute.
export const attr = (s) =>
  String(s).replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

/// The demo page's ykien script tag with `set` data-* attributes added or replaced and
/// `remove` ones dropped; the rest of the page is left byte for byte.
export function rewriteScriptTag(html, set = {}, remove = []) {
  const re = /<script src="([^"]*ykien\.js)" async([^>]*)><\/script>/;
  const m = re.exec(html);
  assert.ok(m, "the page has a ykien script tag");
  const attrs = new Map([...m[2].matchAll(/\s(data-[\w-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]]));
  for (const name of remove) attrs.delete(name);
  for (const [name, value] of Object.entries(set)) attrs.set(name, attr(value));
  const list = [...attrs].map(([k, v]) => `\n    ${k}="${v}"`).join("");
  return html.replace(re, () => `<script src="${m[1]}" async${list}></script>`);
}

/// Serves the shared server's page `path` in this context with its script tag
/// rewritten. `csp`: undefined keeps the server's policy, a string replaces it, null
/// drops it.
export async function routeDemo(target, { path = "/", set = {}, remove = [], csp } = {}) {
  await target.route(BASE + path, async (route) => {
    const res = await route.fetch();
    const headers = { ...res.headers() };
    delete headers["content-length"];
    delete headers["content-encoding"];
    delete headers["etag"];
    if (csp === null) delete headers["content-security-policy"];
    else if (csp !== undefined) headers["content-security-policy"] = csp;
    await route.fulfill({ status: 200, headers, body: rewriteScriptTag(await res.text(), set, remove) });
  });
}

/// Serves made-up files on the shared server's origin: { "/x.html": { body, type, headers } }.
export async function routeFiles(target, files) {
  for (const [path, { body, type = "text/html; charset=utf-8", headers = {} }] of Object.entries(files)) {
    await target.route(BASE + path, (route) =>
      route.fulfill({ status: 200, headers: { "Content-Type": type, "Cache-Control": "no-store", ...headers }, body }),
    );
  }
}

/// A page as a news site would write it: article, controls slot, comment slot and the
/// embed tag. `attrs` are the script's data-* attributes (without "data-").
export function newsPage({ lang = "vi", css = null, head = "", bodyClass = "", attrs = {}, title = "Trang thử nghiệm" } = {}) {
  const data = Object.entries(attrs)
    .map(([k, v]) => `\n    data-${k}="${attr(v)}"`)
    .join("");
  return `<!doctype html>
<html lang="${lang}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${title}</title>
  <link rel="icon" href="data:,">
  ${css ? `<link rel="stylesheet" href="${css}">` : ""}
  ${head}
</head>
<body${bodyClass ? ` class="${bodyClass}"` : ""}>
  <main id="main">
    <article class="article">
      <h1 class="article-title">HĐND huyện Yên Hà thông qua chủ trương làm đường ven sông Mây</h1>
      <div class="article-meta"><span id="ykien-controls"></span></div>
      <div class="article-body" id="article-body">
        <p>Sáng 18/1, kỳ họp chuyên đề của Hội đồng nhân dân huyện Yên Hà đã biểu quyết thông qua chủ trương đầu tư.</p>
        <p>Tuyến đường bắt đầu từ chân cầu Bến Đá, chạy dọc bờ tả ngạn sông Mây.</p>
      </div>
    </article>
    <div id="ykien"></div>
  </main>
  <script src="/dist/ykien.js" async${data}></script>
</body>
</html>
`;
}

/// A comment as the reference API writes it.
export const comment = (id, extra = {}) => ({
  id,
  parent_id: null,
  author: "Lan",
  body: `Ý kiến ${id}`,
  created_at: "2024-01-18T10:30:00.000Z",
  status: "published",
  ...extra,
});

export const json = (body, status = 200, headers = {}) => ({
  status,
  headers: { "Content-Type": "application/json; charset=utf-8", ...headers },
  body: typeof body === "string" ? body : JSON.stringify(body),
});

/// A scripted comment API at `BASE + prefix`: `handler(entry, route)` returns the
/// route.fulfill options, "hold" (never answered until `releaseAll()`), or handles the
/// route itself and returns undefined. Every request is logged before it is answered.
export async function fakeApi(target, prefix, handler) {
  const requests = [];
  const held = [];
  await target.route(`${BASE}${prefix}/**`, async (route) => {
    const req = route.request();
    const entry = {
      method: req.method(),
      url: new URL(req.url()),
      headers: await req.allHeaders(),
      body: req.postData(),
      at: Date.now(),
    };
    requests.push(entry);
    const answer = await handler(entry, route);
    if (answer === "hold") held.push(route);
    else if (answer) await route.fulfill(answer).catch(() => {}); // the page may have aborted it
  });
  return {
    requests,
    gets: () => requests.filter((r) => r.method === "GET"),
    posts: () => requests.filter((r) => r.method === "POST"),
    /// Answers the held requests (each may already be aborted by the page).
    async releaseAll(answer) {
      for (const route of held.splice(0)) await route.fulfill(answer).catch(() => {});
    },
  };
}

/// The module's localStorage key for a thread's draft (src/draft.rs).
export const draftKey = (thread) => `ykien:draft:${new TextEncoder().encode(thread).length}:${thread}`;

/// Page errors and console lines, by type.
export function watch(page) {
  const seen = { pageErrors: [], errors: [], warnings: [] };
  page.on("pageerror", (e) => seen.pageErrors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") seen.errors.push(m.text());
    if (m.type() === "warning") seen.warnings.push(m.text());
  });
  return seen;
}

/// CSP violations and layout shifts, recorded from before any script runs.
export async function recordViolationsAndShifts(target) {
  await target.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample ?? ""}`),
    );
    window.__cls = 0;
    window.__shifts = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        if (entry.hadRecentInput) continue;
        window.__cls += entry.value;
        window.__shifts.push({ at: entry.startTime, value: entry.value });
      }
    }).observe({ type: "layout-shift", buffered: true });
  });
}

/// The composer still works: typing updates the counter.
export async function assertComposerUsable(host, text = "Vẫn gõ được") {
  const area = host.locator("textarea.composer-body").first();
  await area.fill("");
  await area.pressSequentially(text);
  assert.equal(await host.locator(".composer-counter").first().textContent(), `${[...text].length} / 500 ký tự`);
}

/// Resolves when `pred()` is true, polling; rejects after `ms`.
export async function until(pred, ms = 10_000, what = "condition") {
  const end = Date.now() + ms;
  for (;;) {
    if (await pred()) return;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
