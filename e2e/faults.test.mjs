// End-to-end: broken or hostile comment APIs, on the demo news page (its ykien tag
// rewritten per test, the API scripted with page.route). Each test checks what the
// reader ends up seeing, that nothing threw into the page, that the composer still
// works and that the reader's draft survived. Against YKIEN_BASE_URL.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { launch, BASE, fontSize } from "./browser.mjs";
import { STRICT_CSP } from "./servers/paths.mjs";
import {
  assertComposerUsable,
  comment,
  draftKey,
  fakeApi,
  json,
  recordViolationsAndShifts,
  routeDemo,
  routeFiles,
  until,
  watch,
} from "./servers/host-pages.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const DRAFT = "Bản nháp của bạn đọc, không được mất.";

/// A fresh context on the demo page with `attrs` on its ykien tag (the API at /fake,
/// loaded at once), an optional draft already saved for `thread`.
async function demo(attrs = {}, { thread = attrs["data-thread"], draft = null, options = {}, path = "/", csp } = {}) {
  const context = await browser.newContext(options);
  await recordViolationsAndShifts(context);
  if (draft !== null) {
    await context.addInitScript(([k, v]) => {
      if (!sessionStorage.getItem("__seeded")) {
        localStorage.setItem(k, v);
        sessionStorage.setItem("__seeded", "1");
      }
    }, [draftKey(thread), draft]);
  }
  await routeDemo(context, { path, set: { "data-api": "/fake", "data-load": "eager", ...attrs }, csp });
  const page = await context.newPage();
  const seen = watch(page);
  return { context, page, seen, host: page.locator("ykien-comments") };
}

const listOf = (comments, extra = {}) => json({ comments, next_cursor: null, total: comments.length, ...extra });

test("a send that never gets an answer: 'Gửi lại' after the write timeout, then the same request again, stored once", async () => {
  const thread = "faults-timeout-post";
  const { context, page, seen, host } = await demo({ "data-thread": thread, "data-timeout": "2" });
  let apiUp = false;
  const api = await fakeApi(context, "/fake", (r) => {
    if (r.method === "GET") return listOf([comment("a1"), comment("a2")]);
    if (!apiUp) return "hold";
    const sent = JSON.parse(r.body);
    return json({ comment: comment("new1", { author: sent.author, body: sent.body, created_at: new Date().toISOString() }) }, 201);
  });
  await page.goto(BASE + "/");
  await host.locator("li.comment").first().waitFor();
  const text = `Gửi khi máy chủ treo ${Date.now()}`;
  const area = host.locator("textarea.composer-body").first();
  await area.fill(text);
  const send = host.locator("button.composer-send").first();
  const t0 = Date.now();
  await send.click();
  await until(async () => (await send.textContent()) === "Đang gửi…", 2000, "the sending state");
  const retry = host.locator("button.composer-retry");
  await retry.waitFor({ timeout: 10_000 });
  const waited = Date.now() - t0;
  console.log(`create timeout: "Gửi lại" shown ${waited} ms after Gửi (data-timeout=2 → 4 s write timeout)`);
  assert.ok(waited >= 3500 && waited <= 6500, `the retry state came after ${waited} ms, not ~4 s`);
  assert.equal((await retry.textContent()).trim(), "Gửi lại");
  assert.match(await host.locator(".composer-error").textContent(), /Máy chủ chưa phản hồi nên chưa rõ ý kiến đã đến hay chưa\. Hãy bấm Gửi lại/);
  assert.equal(await area.inputValue(), text, "the text is kept");

  apiUp = true;
  await api.releaseAll(json({ error: { message: "too late" } }, 500)); // the first one was aborted by the widget
  await retry.click();
  const mine = host.locator(".comment-body", { hasText: text });
  await mine.first().waitFor();
  const posts = api.posts();
  assert.equal(posts.length, 2, "one send and one resend");
  assert.ok(posts[0].headers["idempotency-key"], "an Idempotency-Key is sent");
  assert.equal(posts[1].headers["idempotency-key"], posts[0].headers["idempotency-key"], "the same Idempotency-Key");
  assert.equal(posts[1].body, posts[0].body, "a byte-identical body");
  assert.equal(await mine.count(), 1, "shown once");
  assert.equal(await area.inputValue(), "", "cleared once the API accepted it");
  await assertComposerUsable(host);
  assert.deepEqual(seen.pageErrors, []);
  await context.close();
});

test("a list request that never gets an answer: error and 'Thử lại' after the read timeout; the retry shows the list", async () => {
  const thread = "faults-timeout-list";
  const { context, page, seen, host } = await demo({ "data-thread": thread, "data-timeout": "2" }, { draft: DRAFT });
  let apiUp = false;
  const api = await fakeApi(context, "/fake", (r) => (apiUp ? listOf([comment("b1"), comment("b2"), comment("b3")]) : "hold"));
  await page.goto(BASE + "/");
  await until(() => api.gets().length === 1, 10_000, "the first list request");
  const t0 = api.gets()[0].at;
  const error = host.locator(".comments-error");
  await error.waitFor({ timeout: 10_000 });
  const waited = Date.now() - t0;
  console.log(`read timeout: the list error shown ${waited} ms after the request (data-timeout=2)`);
  assert.ok(waited >= 1800 && waited <= 4500, `error after ${waited} ms, not ~2 s`);
  assert.match(await error.textContent(), /Không tải được ý kiến\./);
  assert.equal(await host.locator("h2.comments-title").textContent(), "Ý kiến");
  assert.equal(await host.locator("textarea.composer-body").inputValue(), DRAFT, "the draft is intact");

  apiUp = true;
  await host.locator("button.comments-retry").click();
  await host.locator("li.comment").nth(2).waitFor();
  assert.equal(await host.locator("li.comment").count(), 3);
  assert.equal(await host.locator("h2.comments-title").textContent(), "Ý kiến (3)");
  assert.equal(await host.locator("textarea.composer-body").inputValue(), DRAFT, "the draft is intact");
  await assertComposerUsable(host);
  assert.deepEqual(seen.pageErrors, []);
  await context.close();
});

/// 100,000 comments, each the only reply of the one before, as one JSON text
/// (JSON.stringify would recurse that deep), then one ordinary top-level comment.
function deepChain(depth) {
  const parts = [];
  for (let i = 0; i < depth; i++) {
    parts.push(`{"id":"d${i}","author":"Người ${i % 100}","body":"Trả lời tầng ${i}","created_at":"2024-01-18T10:30:00Z","status":"published","replies":[`);
  }
  parts.push("]}".repeat(depth));
  const tail = JSON.stringify(comment("after-chain", { body: "Ý kiến sau chuỗi trả lời" }));
  return `{"comments":[${parts.join("")},${tail}],"next_cursor":null,"total":${depth + 1}}`;
}

test("replies nested 100,000 levels: the page renders, the rest of the widget and the controls keep working", async () => {
  const thread = "faults-deep";
  const body = deepChain(100_000);
  console.log(`deep replies answer: ${(body.length / 1e6).toFixed(1)} MB`);
  const { context, page, seen, host } = await demo(
    { "data-thread": thread, "data-replies": "all", "data-adapter": JSON.stringify({ comment: { replies: "replies" } }) },
    { draft: DRAFT },
  );
  await fakeApi(context, "/fake", () => json(body));
  await page.goto(BASE + "/");
  const trailing = host.locator("li.comment", { hasText: "Ý kiến sau chuỗi trả lời" });
  await trailing.waitFor({ state: "attached", timeout: 60_000 });
  await trailing.scrollIntoViewIfNeeded();
  assert.ok(await trailing.isVisible(), "the top-level comment after the chain is shown");
  const items = await host.locator("li.comment").count();
  console.log(`deep replies: ${items} items rendered`);
  assert.ok(items >= 1000, `${items} items`);
  assert.ok(
    seen.warnings.some((w) => w.includes("nested at most 1024 levels deep")),
    `a console warning about the 1024-level cut; got ${JSON.stringify(seen.warnings.slice(0, 3))}`,
  );
  // One bad answer does not take down the other widgets: A+ still scales the article.
  const paragraph = page.locator("#article-body p").nth(1);
  assert.equal(await fontSize(paragraph), 17);
  await page.locator("ykien-controls .fc-larger").click();
  await until(async () => (await fontSize(paragraph)) === 19.125, 5000, "the article at 112.5%");
  assert.equal(await host.locator("textarea.composer-body").first().inputValue(), DRAFT, "the draft is intact");
  await assertComposerUsable(host);
  assert.deepEqual(seen.pageErrors, []);
  await context.close();
});

/// The demo page over a two-comment list; `answer(sent)` answers each create.
async function createAnswers(thread, answer) {
  const d = await demo({ "data-thread": thread });
  await fakeApi(d.context, "/fake", (r) => (r.method === "GET" ? listOf([comment("c1"), comment("c2")]) : answer(JSON.parse(r.body))));
  await d.page.goto(BASE + "/");
  await d.host.locator("li.comment").nth(1).waitFor();
  return d;
}

/// Sends `text` from `form` and waits until it is in the list, exactly once.
async function postAndSee(host, area, text) {
  await area.fill(text);
  await area.press("Control+Enter");
  const shown = host.locator(".comment-body", { hasText: text });
  await shown.first().waitFor({ timeout: 10_000 });
  assert.equal(await shown.count(), 1, `"${text}" shown once`);
}

test("hostile create answer: an id already in the list — the reader's comment is shown, with a console warning", async () => {
  const { context, seen, host } = await createAnswers("faults-create-taken", (sent) =>
    json({ comment: comment("c1", { body: sent.body, author: "Bạn đọc" }) }, 201),
  );
  await postAndSee(host, host.locator("textarea.composer-body").first(), "Câu trả lời mang id đã có");
  assert.ok(seen.warnings.some((w) => w.includes("already in the list")), `a warning for the taken id: ${seen.warnings}`);
  assert.equal(await host.locator("li.comment[data-id=c1] > .comment-body").textContent(), "Ý kiến c1", "the existing comment is untouched");
  await assertComposerUsable(host);
  assert.deepEqual(seen.pageErrors, []);
  await context.close();
});

test("hostile create answer: a reply naming a parent not on the page — shown under the comment replied to, with a console warning", async () => {
  const { context, seen, host } = await createAnswers("faults-create-parent", (sent) =>
    json({ comment: comment("r1", { parent_id: "not-here", body: sent.body }) }, 201),
  );
  const c2 = host.locator("li.comment[data-id=c2]");
  await c2.locator("button.comment-reply").click();
  const text = "Trả lời, máy chủ ghi nhầm cha";
  await postAndSee(host, c2.locator("form.composer textarea"), text);
  assert.equal(await c2.locator("ol.comment-replies .comment-body", { hasText: text }).count(), 1, "under the comment replied to");
  await assertComposerUsable(host);
  assert.deepEqual(seen.pageErrors, []);
  assert.ok(
    seen.warnings.some((w) => w.includes("not-here")),
    `a console warning explains the unknown parent; console warnings: ${JSON.stringify(seen.warnings)}`,
  );
  await context.close();
});

test("hostile create answers without a usable item (none, a string, no id, not JSON, empty): the reader's comment is shown", async () => {
  let reply;
  const { context, seen, host } = await createAnswers("faults-create-garbage", () => reply);
  const area = host.locator("textarea.composer-body").first();
  for (const [name, answer] of [
    ["no item", json({ ok: true }, 201)],
    ["item is a string", json({ comment: "garbage" }, 201)],
    ["item without id or body", json({ comment: { x: [1, 2] } }, 201)],
    ["not JSON", { status: 201, contentType: "text/plain", body: "Created!" }],
    ["empty body", { status: 201, body: "" }],
  ]) {
    reply = answer;
    await postAndSee(host, area, `Câu trả lời: ${name}`);
    assert.equal(await area.inputValue(), "", `cleared after "${name}"`);
  }
  await assertComposerUsable(host);
  assert.deepEqual(seen.pageErrors, []);
  await context.close();
});

test("429 and a cursor that never ends: nothing is requested that the reader did not ask for (30 s)", async () => {
  const WINDOW_MS = 30_000;
  const limited = await demo({ "data-thread": "faults-429" }, { draft: DRAFT });
  const limitedApi = await fakeApi(limited.context, "/fake", () =>
    json({ error: { code: "rate_limited", message: "slow down" } }, 429, { "Retry-After": "0" }),
  );
  const endless = await demo({ "data-thread": "faults-endless" }, { draft: DRAFT });
  let n = 0;
  const endlessApi = await fakeApi(endless.context, "/fake", () => {
    n += 1;
    return json({ comments: [comment(`e${n}`)], next_cursor: `cursor-${n}`, total: 1_000_000 });
  });

  const rateLimited = async () => {
    const { page, host } = limited;
    const t0 = Date.now();
    await page.goto(BASE + "/");
    const error = host.locator(".comments-error");
    await error.waitFor();
    assert.match(await error.textContent(), /Có quá nhiều yêu cầu cùng lúc\. Vui lòng đợi một lát rồi thử lại\./);
    await page.waitForTimeout(Math.max(0, WINDOW_MS - (Date.now() - t0)));
    return limitedApi.gets().length;
  };
  const neverEnding = async () => {
    const { page, host } = endless;
    const t0 = Date.now();
    await page.goto(BASE + "/");
    await host.locator("li.comment").first().waitFor();
    for (let click = 1; click <= 3; click++) {
      await host.locator("button.comments-more").click();
      await host.locator("li.comment").nth(click).waitFor();
    }
    await page.waitForTimeout(Math.max(0, WINDOW_MS - (Date.now() - t0)));
    return endlessApi.gets().length;
  };
  const [limitedGets, endlessGets] = await Promise.all([rateLimited(), neverEnding()]);
  console.log(`requests over 30 s: 429 with Retry-After: 0 → ${limitedGets} GET; endless cursor with 3 clicks → ${endlessGets} GETs`);
  assert.equal(limitedGets, 1, "a 429 is not retried by itself");
  assert.equal(endlessGets, 4, "one page per click, none on its own");
  for (const { host, seen, context } of [limited, endless]) {
    assert.equal(await host.locator("textarea.composer-body").first().inputValue(), DRAFT, "the draft is intact");
    await assertComposerUsable(host);
    assert.deepEqual(seen.pageErrors, []);
    await context.close();
  }
});

const CORPUS = JSON.parse(readFileSync(new URL("./fixtures/xss-payloads.json", import.meta.url), "utf8"));
/// Markup the allowlist keeps; the image comes from an origin the page's CSP allows.
const CONTROL =
  '<p>Đoạn <strong>đậm</strong> và <em>nghiêng</em>, <a href="https://img.ykien.test/bai">liên kết</a>.</p>' +
  "<ul><li>ý một</li><li>ý hai</li></ul><blockquote>Trích dẫn</blockquote>" +
  '<img src="https://img.ykien.test/anh.png" alt="ảnh minh họa">';
const PNG_1X1 = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNk+A8AAQUBAScY42YAAAAASUVORK5CYII=",
  "base64",
);

test("strict CSP: the XSS corpus as HTML comment bodies and as a render-mode article reports no violation and runs nothing", async () => {
  const trapHits = [];
  const trap = createServer((req, res) => {
    trapHits.push(req.url);
    res.end();
  });
  await new Promise((r) => trap.listen(0, "127.0.0.1", r));
  const canary = `window.__pwned=1;fetch(\`http://127.0.0.1:${trap.address().port}/hit\`)`;
  const payloads = CORPUS.payloads.map((p) => p.replaceAll(CORPUS.placeholder, canary));
  const csp = STRICT_CSP.replace("img-src 'self' data:", "img-src 'self' data: https://img.ykien.test");
  const thread = "faults-csp";
  const { context, page, seen, host } = await demo(
    {
      "data-thread": thread,
      "data-article-url": "/fake/article.json",
      "data-adapter": JSON.stringify({ bodyFormat: "html", list: { paging: { type: "none" } } }),
    },
    { draft: DRAFT, path: "/demo/render.html", csp },
  );
  await context.route("https://img.ykien.test/**", (route) => route.fulfill({ contentType: "image/png", body: PNG_1X1 }));
  page.on("dialog", (d) => {
    seen.pageErrors.push(`dialog: ${d.message()}`);
    d.dismiss();
  });
  const comments = [
    comment("control", { body: CONTROL, author: "Kiểm chứng" }),
    ...payloads.map((p, i) => comment(`x${i}`, { body: p, author: `Người ${i}` })),
  ];
  await fakeApi(context, "/fake", (r) =>
    r.url.pathname.endsWith("/article.json")
      ? json({ title: "Bài thử CSP", published_at: "2024-01-18T10:52:32+07:00", author: "Tòa soạn", body_html: CONTROL + payloads.join("\n") })
      : json({ comments, next_cursor: null, total: comments.length }),
  );
  await page.goto(BASE + "/demo/render.html");
  await until(async () => (await host.locator("li.comment").count()) === comments.length, 30_000, "every comment");
  const article = page.locator("ykien-article .article-body");
  await article.waitFor();
  // Hover, focus and scroll everything, as a reader would.
  await page.evaluate(async () => {
    for (const h of document.querySelectorAll("ykien-comments, ykien-article")) {
      for (const el of h.shadowRoot.querySelectorAll("*")) {
        for (const type of ["mouseover", "pointerenter", "focus", "toggle", "animationstart"]) el.dispatchEvent(new Event(type));
      }
    }
    window.scrollTo(0, document.body.scrollHeight);
    await new Promise((r) => setTimeout(r, 500));
  });
  await page.waitForTimeout(500);
  const csps = await page.evaluate(() => window.__csp);
  console.log(`strict CSP: ${payloads.length} payloads as comment bodies + 1 article body, ${csps.length} violations`);
  assert.deepEqual(csps, [], "no securitypolicyviolation event");
  assert.equal(await page.evaluate(() => window.__pwned ?? null), null, "window.__pwned was set");
  assert.deepEqual(trapHits, [], "the trap server was called");

  // The control survives: in the comment list and in the article.
  for (const root of [host.locator("li.comment[data-id=control] .comment-body"), article]) {
    const shape = await root.first().evaluate((el) => ({
      strong: el.querySelector("strong")?.textContent,
      em: el.querySelector("em")?.textContent,
      link: el.querySelector("a")?.getAttribute("href"),
      items: [...el.querySelectorAll("ul > li")].map((li) => li.textContent),
      quote: el.querySelector("blockquote")?.textContent,
      img: el.querySelector("img")?.getAttribute("src"),
      alt: el.querySelector("img")?.getAttribute("alt"),
    }));
    assert.deepEqual(shape, {
      strong: "đậm",
      em: "nghiêng",
      link: "https://img.ykien.test/bai",
      items: ["ý một", "ý hai"],
      quote: "Trích dẫn",
      img: "https://img.ykien.test/anh.png",
      alt: "ảnh minh họa",
    });
  }
  assert.equal(await host.locator("textarea.composer-body").first().inputValue(), DRAFT, "the draft is intact");
  await assertComposerUsable(host);
  assert.deepEqual(seen.pageErrors, []);
  // Control: under this policy an inline handler that got into the page is reported.
  await page.evaluate(() => document.body.insertAdjacentHTML("beforeend", '<img src="/none.png" onerror="window.__pwned=1">'));
  await until(() => page.evaluate(() => window.__csp.length > 0), 5000, "the control's CSP violation");
  await context.close();
  await new Promise((r) => trap.close(r));
});
