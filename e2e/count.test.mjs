// End-to-end: ykien-count.js, the listing pages' count script, against a reference
// server this file starts itself (its own database, rate limit off), under the
// strict CSP the server sends with HTML. Asserts what a reader sees (the counts,
// their labels, nothing moving) and what the API receives (how many requests, with
// which threads). Pages that need more threads than the demo listing has are
// served from the server's own origin through page.route, with the same CSP.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch } from "./browser.mjs";
import { STRICT_CSP } from "./servers/paths.mjs";
import { freePort, startReference } from "./servers/reference.mjs";

const SERVER_BIN = process.env.YKIEN_SERVER_BIN;
const SITE_DIR = process.env.YKIEN_SITE_DIR;
const TIMEOUT = 15_000;

let browser;
let dataDir;
let server;

const base = () => server.base;

// Comments posted before the pages load, so the counts differ from thread to thread
// (the seeded "demo" thread has 40; a thread the server has never seen counts 0).
const POSTED = {
  "nao-vet-kenh-muong": 3,
  "gia-cam-ha-phong": 1,
  "t-150": 2,
  "t-249": 1,
  "bài viết/ý kiến?&=#": 2,
  "them-1": 2,
};

before(async () => {
  assert.ok(SERVER_BIN && SITE_DIR, "run through `cargo xtask test` (YKIEN_SERVER_BIN, YKIEN_SITE_DIR)");
  dataDir = mkdtempSync(join(tmpdir(), "ykien-e2e-count-"));
  server = await startReference({ serverBin: SERVER_BIN, siteDir: SITE_DIR, dataDir, port: await freePort() });
  for (const [thread, n] of Object.entries(POSTED)) {
    for (let i = 0; i < n; i++) {
      const r = await fetch(`${base()}/api/v1/threads/${encodeURIComponent(thread)}/comments`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ author: "Bạn đọc", body: `Ý kiến ${i + 1} về ${thread}` }),
      });
      assert.equal(r.status, 201, `posting to ${thread}: ${await r.text()}`);
    }
  }
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop().catch(() => {});
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/// What the API itself says, in POST batches of 100 (its limit).
async function apiCounts(threads) {
  const out = {};
  for (let i = 0; i < threads.length; i += 100) {
    const r = await fetch(`${base()}/api/v1/counts`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ threads: threads.slice(i, i + 100) }),
    });
    assert.equal(r.status, 200);
    Object.assign(out, (await r.json()).counts);
  }
  return out;
}

/// The threads a counts request asked for, GET or POST.
function threadsOf(request) {
  if (request.method === "POST") return JSON.parse(request.body).threads;
  return request.url.searchParams.get("threads").split(",");
}

/// A fresh context and page recording page errors, console warnings, CSP violations,
/// layout shifts and every counts request. `routes`: [url, handler] installed before
/// the page loads. The page is not opened: `await goto(path)`.
async function open({ routes = [] } = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const seen = { pageErrors: [], warnings: [], consoleErrors: [], counts: [] };
  page.on("pageerror", (e) => seen.pageErrors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "warning") seen.warnings.push(m.text());
    if (m.type() === "error") seen.consoleErrors.push(m.text());
  });
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (url.pathname === "/api/v1/counts") seen.counts.push({ method: r.method(), url, body: r.postData() });
  });
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    window.__cls = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__cls += entry.value;
    }).observe({ type: "layout-shift", buffered: true });
  });
  for (const [url, handler] of routes) await page.route(url, handler);
  const goto = async (path) => {
    const response = await page.goto(base() + path);
    assert.equal(response.status(), 200, path);
    // The page really is under the strict policy (a routed page sends it itself).
    assert.match(response.headers()["content-security-policy"] ?? "", /script-src 'self'/);
    return response;
  };
  return { context, page, seen, goto };
}

/// A page at `path` on the server's origin, sent with the server's strict CSP.
function htmlRoute(path, html) {
  return [
    `${base()}${path}`,
    (route) => route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", headers: { "Content-Security-Policy": STRICT_CSP }, body: html }),
  ];
}

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

/// A bare listing page: one count link per thread (duplicates allowed), then the
/// count script with `attrs` on its tag.
function listingHtml(threads, attrs = 'data-api="/api/v1"') {
  const items = threads.map((t) => `<li><a href="/#ykien-comments" data-ykien-count="${escapeHtml(t)}">Ý kiến</a></li>`).join("\n");
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Tin mới</title><link rel="icon" href="data:,"></head>
<body><ol>${items}</ol><script src="/dist/ykien-count.js" defer ${attrs}></script></body></html>`;
}

/// Resolves once every count element on the page has been filled (the script sets
/// the label with the text).
async function filled(page) {
  await page.waitForFunction(
    () => [...document.querySelectorAll("[data-ykien-count]")].every((el) => el.hasAttribute("aria-label")),
    null,
    { timeout: TIMEOUT },
  );
}

/// What each count element shows: [{ thread, text, label }].
async function shown(page, selector = "[data-ykien-count]") {
  return page.$$eval(selector, (els) =>
    els.map((el) => ({ thread: el.getAttribute("data-ykien-count"), text: el.textContent, label: el.getAttribute("aria-label") })),
  );
}

/// Polls `fn` until it returns something truthy, failing with `what` after the deadline.
async function until(fn, what, timeout = TIMEOUT) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/// The layout shifts of the frames rendered so far have reached the observer.
async function settled(page) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 0)))));
}

/// Holds counts requests until `release()`: the test measures the page as it is
/// before any count arrives.
function gate() {
  let release;
  const open = new Promise((r) => (release = r));
  const held = [];
  const handler = async (route) => {
    held.push(route.request().url());
    await open;
    await route.continue();
  };
  return { route: ["**/api/v1/counts*", handler], release, held };
}

/// Boxes of the elements a moved count would push: each count and whatever
/// follows it on the page.
const boxes = (page, selector) =>
  page.$$eval(selector, (els) => els.map((el) => {
    const r = el.getBoundingClientRect();
    return [el.tagName, el.className, Math.round(r.x * 100), Math.round(r.y * 100), Math.round(r.width * 100), Math.round(r.height * 100)].join(" ");
  }));

test("the listing page: every count from one request, as the API counts them; labelled; nothing moves", async () => {
  const hold = gate();
  const { context, page, seen, goto } = await open({ routes: [hold.route] });
  try {
    await goto("/demo/listing.html");
    await until(() => hold.held.length === 1, "the counts request");
    const layout = ".teaser, .teaser *, .page-aside, .site-footer";
    const before = await boxes(page, layout);
    const placeholders = await shown(page);
    assert.equal(placeholders.length, 8, "eight teasers");
    for (const p of placeholders) assert.deepEqual([p.text, p.label], ["Ý kiến", null], "the page's own text until the count arrives");
    hold.release();
    await filled(page);
    await settled(page);

    const threads = placeholders.map((p) => p.thread);
    const expected = await apiCounts(threads);
    assert.equal(expected.demo, 40, "the seeded thread");
    assert.equal(expected["nao-vet-kenh-muong"], 3);
    assert.equal(expected["nong-thon-moi"], 0, "a thread with no comments");
    for (const s of await shown(page)) {
      assert.equal(s.text, `${expected[s.thread]} ý kiến`, `the count of ${s.thread} (data-format)`);
      assert.equal(s.label, `${expected[s.thread]} ý kiến`, `the label of ${s.thread}`);
    }

    assert.equal(seen.counts.length, 1, "one request for the page");
    assert.equal(seen.counts[0].method, "GET");
    assert.deepEqual(threadsOf(seen.counts[0]).sort(), [...new Set(threads)].sort(), "every thread on the page, once");

    // The reserved width holds the counts (and four digits): nothing moved.
    assert.deepEqual(await boxes(page, layout), before, "every teaser, the aside and the footer where they were");
    assert.equal(await page.evaluate(() => window.__cls), 0, "no layout shift");
    const fits = await page.$eval(".teaser-count", (el) => {
      const reserved = el.getBoundingClientRect().width;
      const text = el.textContent;
      el.textContent = "9999 ý kiến";
      const wide = el.getBoundingClientRect().width;
      el.textContent = text;
      return { reserved, wide, min: parseFloat(getComputedStyle(el).minWidth) };
    });
    assert.equal(fits.reserved, fits.min, "the count fits its reserved width");
    assert.equal(fits.wide, fits.min, "so would a four-digit one");

    assert.deepEqual(await page.evaluate(() => window.__csp), [], "no CSP violations");
    assert.deepEqual(seen.pageErrors, []);
    assert.deepEqual(seen.warnings, []);
    assert.deepEqual(seen.consoleErrors, []);
  } finally {
    await context.close();
  }
});

test("more than 100 threads: ceil(n / 100) requests of at most 100, every element filled", async () => {
  // 250 generated threads, plus "demo", a thread with characters a URL must encode
  // and one named like an Object.prototype member, some of them more than once.
  const generated = Array.from({ length: 250 }, (_, i) => `t-${i}`);
  const distinct = [...generated, "demo", "bài viết/ý kiến?&=#", "constructor"];
  const onPage = [...distinct, "t-5", "demo", "t-150"];
  const { context, page, seen, goto } = await open({ routes: [htmlRoute("/tin-nhieu.html", listingHtml(onPage))] });
  try {
    await goto("/tin-nhieu.html");
    await filled(page);
    assert.equal(seen.counts.length, Math.ceil(distinct.length / 100), "3 requests for 253 threads");
    const asked = seen.counts.flatMap(threadsOf);
    for (const r of seen.counts) {
      assert.equal(r.method, "GET", "short ids: a GET");
      assert.ok(threadsOf(r).length <= 100, "at most 100 threads a request");
    }
    assert.equal(asked.length, distinct.length, "no thread asked for twice");
    assert.deepEqual([...asked].sort(), [...distinct].sort());

    const expected = await apiCounts(distinct);
    assert.equal(expected["t-150"], 2);
    assert.equal(expected["t-249"], 1, "counted in the last request");
    assert.equal(expected["bài viết/ý kiến?&=#"], 2);
    const all = await shown(page);
    assert.equal(all.length, onPage.length);
    for (const s of all) assert.equal(s.text, String(expected[s.thread]), `${s.thread}: "{n}" without data-format`);
    assert.deepEqual(await page.evaluate(() => window.__csp), []);
    assert.deepEqual(seen.pageErrors, []);
    assert.deepEqual(seen.warnings, []);
  } finally {
    await context.close();
  }
});

test("long thread ids: the list goes in a POST body, not a URL longer than proxies take", async () => {
  // 150 path-like ids of about 70 characters: a GET of 100 of them would be 9 KB.
  const threads = Array.from({ length: 150 }, (_, i) => `/tin/thoi-su/2024/01/hdnd-huyen-yen-ha-thong-qua-chu-truong-bai-so-${i}.html`);
  threads[7] = "nao-vet-kenh-muong";
  const { context, page, seen, goto } = await open({ routes: [htmlRoute("/tin-dai.html", listingHtml(threads))] });
  try {
    await goto("/tin-dai.html");
    await filled(page);
    assert.deepEqual(seen.counts.map((r) => r.method), ["POST", "POST"]);
    assert.deepEqual(seen.counts.map((r) => threadsOf(r).length), [100, 50]);
    assert.deepEqual(seen.counts.flatMap(threadsOf).sort(), [...threads].sort());
    for (const r of seen.counts) assert.equal(r.url.search, "", "nothing in the URL");
    const all = await shown(page);
    assert.equal(all[7].text, "3");
    assert.ok(all.every((s, i) => i === 7 || s.text === "0"));
    assert.deepEqual(seen.pageErrors, []);
  } finally {
    await context.close();
  }
});

test("an adapter's count request: POST with a body template, answer read at `map`", async () => {
  const adapter = JSON.stringify({ count: { method: "POST", url: "{api}/counts", body: { threads: "{threads}" }, map: "counts" } });
  const threads = ["demo", "nao-vet-kenh-muong", "gia-cam-ha-phong"];
  const html = listingHtml(threads, `data-api="/api/v1" data-format="{n} ý kiến" data-adapter="${escapeHtml(adapter)}"`);
  const { context, page, seen, goto } = await open({ routes: [htmlRoute("/tin-adapter.html", html)] });
  try {
    await goto("/tin-adapter.html");
    await filled(page);
    assert.equal(seen.counts.length, 1);
    assert.equal(seen.counts[0].method, "POST");
    assert.deepEqual(JSON.parse(seen.counts[0].body), { threads });
    assert.deepEqual((await shown(page)).map((s) => s.text), ["40 ý kiến", "3 ý kiến", "1 ý kiến"]);
    assert.deepEqual(seen.pageErrors, []);
    assert.deepEqual(seen.warnings, []);
  } finally {
    await context.close();
  }
});

test("a failing API: the placeholders stay, one console warning, no page error; refresh() then fills them", async () => {
  let failing = true;
  const fail = ["**/api/v1/counts*", (route) => (failing ? route.fulfill({ status: 503, contentType: "application/json", body: '{"error":"down"}' }) : route.continue())];
  const { context, page, seen, goto } = await open({ routes: [fail] });
  try {
    await goto("/demo/listing.html");
    const warning = await until(() => seen.warnings.find((w) => w.startsWith("ykien-count:")), "the warning");
    assert.match(warning, /^ykien-count: counts from \/api\/v1\/counts\?threads=.* failed: HTTP 503$/);
    // The one request has failed and been reported: nothing else is coming.
    assert.equal(seen.counts.length, 1);
    assert.deepEqual(seen.warnings, [warning], "one warning");
    assert.deepEqual(seen.consoleErrors, ["Failed to load resource: the server responded with a status of 503 (Service Unavailable)"], "only the browser's own line");
    for (const s of await shown(page)) assert.deepEqual([s.text, s.label], ["Ý kiến", null], `${s.thread} keeps its text`);
    assert.deepEqual(seen.pageErrors, []);
    assert.deepEqual(await page.evaluate(() => window.__csp), []);

    // Nothing was counted, so a refresh asks for every thread again.
    failing = false;
    await page.evaluate(() => window.ykienCount.refresh());
    assert.equal(seen.counts.length, 2);
    assert.equal(threadsOf(seen.counts[1]).length, 8);
    assert.equal((await shown(page, '[data-ykien-count="demo"]'))[0].text, "40 ý kiến");
    await filled(page);
  } finally {
    await context.close();
  }
});

test("ykienCount.refresh() fills teasers added later with one more request, for the new threads only", async () => {
  const { context, page, seen, goto } = await open();
  try {
    await goto("/demo/listing.html");
    await filled(page);
    assert.equal(seen.counts.length, 1);
    // "Xem thêm": three new teasers, two new threads and one already counted.
    await page.evaluate(() => {
      const list = document.querySelector(".teasers");
      for (const t of ["them-1", "them-2", "demo"]) {
        const li = document.createElement("li");
        li.className = "teaser";
        const a = document.createElement("a");
        a.className = "teaser-count";
        a.href = "../#ykien-comments";
        a.setAttribute("data-ykien-count", t);
        a.textContent = "Ý kiến";
        li.appendChild(a);
        list.appendChild(li);
      }
    });
    await page.evaluate(() => window.ykienCount.refresh());
    assert.equal(seen.counts.length, 2, "one more request");
    assert.deepEqual(threadsOf(seen.counts[1]).sort(), ["them-1", "them-2"], "only the threads it had no count for");
    const added = (await shown(page, ".teaser:nth-last-child(-n+3) [data-ykien-count]")).map((s) => s.text);
    assert.deepEqual(added, ["2 ý kiến", "0 ý kiến", "40 ý kiến"]);
    // Nothing new: nothing asked.
    await page.evaluate(() => window.ykienCount.refresh());
    assert.equal(seen.counts.length, 2);
    assert.deepEqual(seen.pageErrors, []);
    assert.deepEqual(seen.warnings, []);
  } finally {
    await context.close();
  }
});

/// The comment section's host has come into the viewport and shows its comments.
async function sectionShown(page) {
  const host = page.locator("ykien-comments#ykien-comments");
  await until(
    () => host.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return r.top < innerHeight && r.bottom > 0;
    }),
    "the comment section in view",
  );
  await host.locator("li.comment").first().waitFor({ timeout: TIMEOUT });
  return host;
}

test("the article page: the headline count reads \"N ý kiến\" and leads to the comment section", async () => {
  const hold = gate();
  const { context, page, seen, goto } = await open({ routes: [hold.route] });
  try {
    await goto("/");
    await until(() => hold.held.length === 1, "the counts request");
    const count = page.locator(".article-meta .headline-count");
    assert.equal(await count.textContent(), "Ý kiến");
    const layout = ".article-title, .article-meta, .article-time, .headline-count, .font-controls-slot, #article-body";
    const before = await boxes(page, layout);
    hold.release();
    await until(async () => (await count.getAttribute("aria-label")) !== null, "the headline count");
    await settled(page);
    const { demo } = await apiCounts(["demo"]);
    // The script tag has no data-format: the element's data-ykien-count-format, which
    // the widget reads too, says how.
    assert.equal(await count.textContent(), `${demo} ý kiến`);
    assert.equal(await count.getAttribute("aria-label"), `${demo} ý kiến`);
    assert.equal(await count.getAttribute("href"), "#ykien-comments");
    assert.deepEqual(await boxes(page, layout), before, "the headline and meta line where they were");
    assert.equal(await page.evaluate(() => window.__cls), 0, "no layout shift");
    assert.deepEqual(threadsOf(seen.counts[0]), ["demo"]);

    // Below the fold until the reader follows the count.
    await page.locator("ykien-comments#ykien-comments").waitFor({ state: "attached", timeout: TIMEOUT });
    await count.click();
    const host = await sectionShown(page);
    assert.equal(new URL(page.url()).hash, "#ykien-comments");
    assert.equal(await host.locator("h2.comments-title").textContent(), `Ý kiến (${demo})`, "the section agrees with the headline");
    assert.equal(seen.counts.length, 1);
    assert.deepEqual(await page.evaluate(() => window.__csp), []);
    assert.deepEqual(seen.pageErrors, []);
  } finally {
    await context.close();
  }
});

test("from the listing, a teaser's count opens the article at its comment section", async () => {
  const { context, page, seen, goto } = await open();
  try {
    await goto("/demo/listing.html");
    await filled(page);
    await page.locator('.teaser-count[data-ykien-count="demo"]').click();
    await page.waitForURL(`${base()}/#ykien-comments`, { timeout: TIMEOUT });
    await sectionShown(page);
    assert.deepEqual(await page.evaluate(() => window.__csp), []);
    assert.deepEqual(seen.pageErrors, []);
  } finally {
    await context.close();
  }
});

test("dist/ykien-count.js evaluates no strings (the strict CSP has no 'unsafe-eval') and writes no HTML", () => {
  const js = readFileSync(join(SITE_DIR, "dist/ykien-count.js"), "utf8");
  assert.ok(js.includes("data-ykien-count"), "the built script");
  assert.doesNotMatch(js, /\beval\s*\(/);
  assert.doesNotMatch(js, /new\s+Function\b|\bFunction\s*\(/);
  assert.doesNotMatch(js, /setTimeout\s*\(\s*["'`]|setInterval\s*\(\s*["'`]/);
  assert.doesNotMatch(js, /innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
});
