// End-to-end: the XSS corpus (e2e/fixtures/xss-payloads.json) pushed through every
// field a site or an API controls, in Chromium, with the page's CSP switched off so
// that only the widget itself stands between a payload and execution. Two canaries:
// `window.__pwned` and a request to a trap server. Reports "N payloads × M fields".
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";
import { launch } from "./browser.mjs";
import { start } from "./servers/nested-offset.mjs";
import { ADAPTERS_DIR, siteDirFromEnv } from "./servers/paths.mjs";

const CORPUS = JSON.parse(readFileSync(new URL("./fixtures/xss-payloads.json", import.meta.url), "utf8"));
const FIELDS = [
  "comment author",
  "comment body (HTML adapter)",
  "comment body (text adapter)",
  "link target in a comment",
  "article title (render mode)",
  "article body (render mode)",
  "article author and date (render mode)",
  "config attributes (thread, lang, theme, depth)",
];

let browser;
let server;
let trap;
let trapHits = [];
let payloads;

const attr = (s) => s.replaceAll("&", "&amp;").replaceAll('"', "&quot;");

before(async () => {
  trap = createServer((req, res) => {
    trapHits.push(req.url);
    res.end();
  });
  await new Promise((r) => trap.listen(0, "127.0.0.1", r));
  const canary = `window.__pwned=1;fetch(\`http://127.0.0.1:${trap.address().port}/hit\`)`;
  payloads = CORPUS.payloads.map((p) => p.replaceAll(CORPUS.placeholder, canary));
  const post = (i, content, name) => ({
    post_id: 5000 + i,
    reply_to: null,
    by: { display_name: name },
    content_html: content,
    ts: 1705546800 + i,
    state: "published",
  });
  server = await start({
    siteDir: siteDirFromEnv(),
    threads: {
      xss: payloads.map((p, i) => post(i, p, p)),
      "xss-links": payloads.map((p, i) => post(i, `<p><a href="${attr(p)}">liên kết ${i}</a></p>`, `Người ${i}`)),
    },
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await new Promise((r) => trap?.close(r) ?? r());
});

function adapter(bodyFormat) {
  const a = JSON.parse(readFileSync(path.join(ADAPTERS_DIR, "nested-offset.json"), "utf8"));
  a.list.paging = { type: "none" };
  a.list.query = { limit: "1000" };
  a.bodyFormat = bodyFormat;
  return JSON.stringify(a);
}

/// A page without CSP enforcement: the widget's own defences are what is tested.
async function open(query) {
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  const problems = { pageErrors: [] };
  page.on("pageerror", (e) => problems.pageErrors.push(String(e)));
  page.on("dialog", (d) => {
    problems.pageErrors.push(`dialog: ${d.message()}`);
    d.dismiss();
  });
  await page.goto(`${server.baseUrl}/fixtures/adapter-page.html?${new URLSearchParams(query)}`);
  return { context, page, problems };
}

/// Fires what a reader's pointer and keyboard would (hover, focus, toggles) at every
/// element of every widget, then checks what is left in the DOM.
async function provokeAndInspect(page) {
  return page.evaluate(async () => {
    const roots = [...document.querySelectorAll("ykien-comments, ykien-article, ykien-notice")]
      .map((h) => h.shadowRoot)
      .filter(Boolean);
    const found = [];
    for (const root of roots) {
      for (const el of root.querySelectorAll("*")) {
        for (const type of ["mouseover", "pointerenter", "focus", "toggle", "load", "error", "animationstart"]) {
          el.dispatchEvent(new Event(type));
        }
        for (const name of el.getAttributeNames()) {
          if (name.startsWith("on")) found.push(`<${el.localName} ${name}>`);
          if (name === "style" || name === "srcdoc" || name === "formaction") found.push(`<${el.localName} ${name}>`);
        }
        for (const name of ["href", "src", "action", "xlink:href"]) {
          const v = el.getAttribute(name);
          if (v !== null && !/^(https?:|\/|#|$)/i.test(v.trim()) && !/^[\w./-]/.test(v.trim())) {
            found.push(`<${el.localName} ${name}="${v.slice(0, 40)}">`);
          }
          if (v !== null && /^\s*(javascript|data|vbscript):/i.test(v)) found.push(`<${el.localName} ${name}="${v.slice(0, 40)}">`);
        }
        const ownForm = el.localName === "form" && el.classList.contains("composer"); // the widget's composer
        if (!ownForm && ["script", "iframe", "object", "embed", "svg", "math", "style", "base", "meta", "link", "form", "template"].includes(el.localName)) {
          found.push(`<${el.localName}>`);
        }
      }
    }
    await new Promise((r) => setTimeout(r, 300));
    return { found, pwned: window.__pwned ?? null };
  });
}

async function assertNothingRan(page, problems) {
  const { found, pwned } = await provokeAndInspect(page);
  await page.waitForTimeout(300);
  assert.deepEqual(found, [], "active markup survived");
  assert.equal(pwned, null, "window.__pwned was set");
  assert.deepEqual(trapHits, [], "the trap server was called");
  assert.deepEqual(problems.pageErrors, []);
}

test("control: the canaries fire when the same markup is inserted without the widget", async () => {
  const { context, page } = await open({ api: server.api, thread: "none", adapter: adapter("html") });
  await page.evaluate((list) => {
    const box = document.createElement("div");
    document.body.append(box);
    for (const p of list) box.insertAdjacentHTML("beforeend", p);
  }, payloads.slice(10, 20)); // the event-handler group
  await page.waitForFunction(() => window.__pwned === 1, null, { timeout: 5000 });
  for (let i = 0; i < 50 && trapHits.length === 0; i++) await page.waitForTimeout(50);
  assert.ok(trapHits.length > 0, "the trap server saw the canary request");
  // Closing the page cancels anything still in flight; then start the count afresh.
  await context.close();
  await new Promise((r) => setTimeout(r, 300));
  trapHits = [];
});

for (const [name, thread, bodyFormat] of [
  ["authors and HTML bodies", "xss", "html"],
  ["authors and text bodies", "xss", "text"],
  ["link targets", "xss-links", "html"],
]) {
  test(`comments: ${name}`, async () => {
    const { context, page, problems } = await open({ api: server.api, thread, adapter: adapter(bodyFormat) });
    await page.waitForFunction(
      (n) => document.querySelector("ykien-comments")?.shadowRoot?.querySelectorAll("li.comment").length >= n,
      payloads.length,
      { timeout: 30_000 },
    );
    // Text stays text: each author is shown exactly as sent.
    if (thread === "xss") {
      const authors = await page.evaluate(() =>
        [...document.querySelector("ykien-comments").shadowRoot.querySelectorAll(".comment-author")].map((a) => a.textContent),
      );
      const shown = new Set(authors);
      const missing = payloads.filter((p) => p.trim() && !shown.has(p.trim()) && !shown.has(p));
      assert.ok(missing.length <= payloads.length * 0.1, `authors not shown verbatim: ${missing.slice(0, 3)}`);
    }
    await assertNothingRan(page, problems);
    await context.close();
  });
}

test("render mode: article title, body, author and date", async () => {
  const { context, page, problems } = await open({ api: server.api, thread: "none", adapter: adapter("html") });
  await page.route("**/xss-article/*.json", (route) => {
    const i = Number(route.request().url().match(/(\d+)\.json$/)[1]);
    const p = payloads[i];
    route.fulfill({
      contentType: "application/json",
      body: JSON.stringify({
        title: p,
        author: p,
        published_at: p,
        body_html: `<p>${p}</p><p><a href="${attr(p)}">liên kết</a></p>${p}`,
      }),
    });
  });
  await page.waitForFunction(() => window.ykien);
  const count = payloads.length;
  await page.evaluate((count) => {
    for (let i = 0; i < count; i++) {
      const el = document.createElement("div");
      document.body.append(el);
      window.ykien.mount(el, { articleUrl: `/xss-article/${i}.json` });
    }
  }, count);
  await page.waitForFunction(
    (n) =>
      [...document.querySelectorAll("ykien-article")].filter((h) => h.shadowRoot?.querySelector(".article, .failed")).length >= n,
    count,
    { timeout: 60_000 },
  );
  await assertNothingRan(page, problems);
  await context.close();
});

test("config attributes: thread, lang, theme and depth", async () => {
  const { context, page, problems } = await open({ api: server.api, thread: "none", adapter: adapter("html") });
  await page.waitForFunction(() => window.ykien);
  await page.evaluate(
    ([list, api]) => {
      for (const p of list) {
        for (const config of [
          { api, thread: p, load: "eager" },
          { api, thread: "t", lang: p },
          { api, thread: "t", theme: p, depth: p },
          { api: p, thread: "t" },
        ]) {
          const el = document.createElement("div");
          document.body.append(el);
          window.ykien.mount(el, config);
        }
      }
    },
    [payloads, server.api],
  );
  await page.waitForTimeout(1500);
  await assertNothingRan(page, problems);
  console.log(`xss: ${payloads.length} payloads × ${FIELDS.length} fields, 0 executed`);
  await context.close();
});
