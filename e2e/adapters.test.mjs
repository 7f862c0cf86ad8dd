// End-to-end: the comment section against two APIs shaped unlike ykien's own, each
// described only by an adapter file (adapters/*.json, docs/adapter.md):
//
// - json-server 0.17.4: root array, numbered pages, X-Total-Count, flat replies
//   with numeric parentId, Unix-millisecond times, plain-text bodies; of the reader
//   actions only the orders (_order), so no Thích, Vi phạm, Sửa or Xóa;
// - a forum-style API (e2e/servers/nested-offset.mjs): offset paging, replies nested
//   in `children`, HTML bodies, Unix seconds, moderation, {"errors": [...]}; likes
//   as a per-device toggle and flags with the forum's reasons, no orders, no edits.
//
// Each API is started here on a free port and also serves the assembled site, the
// adapters and the test page (e2e/fixtures/adapter-page.*), so everything is one
// origin under the strict CSP. The first test of each group walks the API through
// the adapter in Node alone (the adapter and the server agree, whatever the
// widget does); the rest drive the widget in Chromium.
//
// The widget's DOM contract (inside the open shadow root of <ykien-comments>):
// section.comments[aria-busy], h2.comments-title "Ý kiến (N)", .comments-loading,
// ol.comment-list > li.comment[data-id] (.comment-author, time.comment-time[datetime],
// .comment-body, button.comment-reply, replies in ol.comment-replies), .is-pending +
// .comment-pending, button.comments-more, .comments-error + button.comments-retry,
// form.composer (input.composer-name, textarea.composer-body, .composer-counter,
// button.composer-send, .composer-error); a reply composer is a form.composer inside
// the parent's li.comment.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { launch } from "./browser.mjs";
import * as jsonServer from "./servers/json-server.mjs";
import * as nestedOffset from "./servers/nested-offset.mjs";
import { ACTION_POSTS, BOLD_POST_ID, XSS_POST_ID, actionsThread, demoThread } from "./servers/nested-offset-data.mjs";
import { checkSiteDir, siteDirFromEnv } from "./servers/paths.mjs";
import {
  actThroughAdapter,
  adapterFile,
  at,
  checkShape,
  createThroughAdapter,
  documentedDefaults,
  readThroughAdapter,
} from "./servers/adapter-client.mjs";

const SITE_DIR = siteDirFromEnv();
const TIMEOUT = 10_000;

let browser;
before(async () => {
  checkSiteDir(SITE_DIR);
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// ---------------------------------------------------------------------------
// The adapter and its API agree, in Node (e2e/servers/adapter-client.mjs)
// ---------------------------------------------------------------------------

/// The contract test shared by both adapters.
async function adapterContract(a, server, { expectTotal, errorCase }) {
  checkShape(a, documentedDefaults());
  const { baseUrl: origin, api, thread } = server;
  const read = await readThroughAdapter(a, origin, api, thread);
  assert.equal(read.total, expectTotal);
  assert.equal(read.comments.size, expectTotal, "every comment reached through the paging");

  const stamp = randomUUID().slice(0, 8);
  const top = await createThroughAdapter(a, origin, api, thread, { author: "Kiểm Thử", body: `Gốc ${stamp}` });
  assert.ok(a.create.created.includes(top.status), `create → ${top.status} ${JSON.stringify(top.json)}`);
  const topId = at(top.item, a.comment.id);
  assert.ok(topId !== undefined, "create.item holds the created comment");
  // {parent} is typed as the API gave the id.
  const reply = await createThroughAdapter(a, origin, api, thread, { author: "Kiểm Thử", body: `Trả lời ${stamp}`, parent: topId });
  assert.ok(a.create.created.includes(reply.status), `reply → ${reply.status} ${JSON.stringify(reply.json)}`);
  const parentKey = Object.keys(a.create.body).find((k) => a.create.body[k] === "{parent}");
  assert.ok(parentKey, "the create body carries {parent}");
  assert.equal(top.sent[parentKey], null, "a top-level comment sends null");
  assert.equal(reply.sent[parentKey], topId, "a reply sends the id with the API's type");

  const again = await readThroughAdapter(a, origin, api, thread);
  assert.equal(again.total, expectTotal + 2);
  const replyId = String(at(reply.item, a.comment.id));
  assert.equal(again.comments.get(replyId)?.body, `Trả lời ${stamp}`);
  assert.equal(String(again.comments.get(replyId)?.parent), String(topId));

  let expected = expectTotal + 2;
  if (a.create.idempotencyHeader) {
    const key = randomUUID();
    const first = await createThroughAdapter(a, origin, api, thread, { author: "Kiểm Thử", body: `Một lần ${stamp}`, key });
    const repeat = await createThroughAdapter(a, origin, api, thread, { author: "Kiểm Thử", body: `Một lần ${stamp}`, key });
    assert.equal(repeat.status, first.status);
    assert.equal(at(repeat.item, a.comment.id), at(first.item, a.comment.id), "the same key gives the same comment");
    expected += 1;
    assert.equal((await readThroughAdapter(a, origin, api, thread)).total, expected, "stored once");
  }

  if (errorCase) {
    const bad = await createThroughAdapter(a, origin, api, thread, { author: "Kiểm Thử", body: errorCase.body });
    assert.equal(bad.status, errorCase.status);
    assert.equal(at(bad.json, a.error), errorCase.message, "the adapter's error path finds the message");
  }
  return { created: [topId, at(reply.item, a.comment.id)] };
}

// ---------------------------------------------------------------------------
// Browser helpers
// ---------------------------------------------------------------------------

/// Opens the test page embedding the widget against `server` with `adapter`,
/// recording page errors, console errors, CSP violations and the API requests.
async function openWidget(server, { adapter, lang, depth, replies = "all", thread = server.thread } = {}) {
  // Every reply shown unless a test says otherwise: these suites read whole threads.
  const params = new URLSearchParams({ api: server.api, thread, adapter, replies });
  if (lang) params.set("lang", lang);
  if (depth) params.set("depth", String(depth));
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = { pageErrors: [], consoleErrors: [] };
  page.on("pageerror", (e) => problems.pageErrors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") problems.consoleErrors.push(m.text());
  });
  const apiRequests = [];
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith("/api/")) {
      apiRequests.push({ method: r.method(), url, headers: r.headers(), body: r.postData() });
    }
  });
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  await page.goto(`${server.baseUrl}/fixtures/adapter-page.html?${params}`);
  const host = page.locator("ykien-comments");
  const w = {
    page,
    host,
    section: host.locator("section.comments"),
    title: host.locator("h2.comments-title"),
    loading: host.locator(".comments-loading"),
    comments: host.locator("li.comment"),
    more: host.locator("button.comments-more"),
    error: host.locator(".comments-error"),
    retry: host.locator("button.comments-retry"),
  };
  return { context, page, problems, apiRequests, w };
}

/// Waits until `locator` (first match) has text matching `re`.
async function waitText(locator, re, timeout = TIMEOUT) {
  await locator.filter({ hasText: re }).first().waitFor({ timeout });
}

/// Polls `fn` until it returns a truthy value (a condition, not a fixed sleep).
async function until(fn, message, timeout = TIMEOUT) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${message}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/// The heading shows the total and the list is no longer busy.
async function loaded(w, total, label = "Ý kiến") {
  await waitText(w.title, new RegExp(`^\\s*${label} \\(${total}\\)\\s*$`));
  await w.host.locator('section.comments:not([aria-busy="true"])').waitFor({ timeout: TIMEOUT });
}

/// What the reader sees, comment by comment, in document order.
function snapshot(w) {
  return w.host.evaluate((host) => {
    const ownOf = (li, sel) => [...li.querySelectorAll(sel)].find((el) => el.closest("li.comment") === li) ?? null;
    // Off-screen items skip rendering (content-visibility: auto), and innerText of
    // unrendered content is empty: render them all for the snapshot.
    for (const li of host.shadowRoot.querySelectorAll("ol.comment-list > li.comment")) {
      li.style.contentVisibility = "visible";
    }
    return [...host.shadowRoot.querySelectorAll("li.comment")].map((li) => {
      const body = ownOf(li, ".comment-body");
      return {
        id: li.dataset.id,
        parent: li.parentElement?.closest("li.comment")?.dataset.id ?? null,
        topLevel: li.parentElement?.matches("ol.comment-list") ?? false,
        inReplies: li.parentElement?.matches("ol.comment-replies") ?? false,
        author: ownOf(li, ".comment-author")?.textContent.trim() ?? null,
        body: body?.innerText.replace(/\s+/g, " ").trim() ?? null,
        bodyHtml: body?.innerHTML ?? "",
        bold: body ? [...body.querySelectorAll("b, strong")].map((b) => b.textContent) : [],
        links: body ? [...body.querySelectorAll("a")].map((a) => ({ href: a.getAttribute("href"), rel: a.getAttribute("rel") })) : [],
        datetime: ownOf(li, "time.comment-time")?.getAttribute("datetime") ?? null,
        hasReplyButton: !!ownOf(li, "button.comment-reply"),
        pending: li.classList.contains("is-pending"),
        pendingText: ownOf(li, ".comment-pending")?.textContent.trim() ?? null,
      };
    });
  });
}

/// The `selector` element belonging to comment `id` itself (not to its replies), or
/// with `id` null the one outside every comment (the top-level composer); null if none.
async function own(w, id, selector) {
  const index = await w.host.evaluate(
    (host, [id, selector]) =>
      [...host.shadowRoot.querySelectorAll(selector)].findIndex(
        (el) => (el.closest("li.comment")?.dataset.id ?? null) === id,
      ),
    [id === null ? null : String(id), selector],
  );
  return index < 0 ? null : w.host.locator(selector).nth(index);
}

const ownWait = (w, id, selector) => until(() => own(w, id, selector), `${selector} of ${id ?? "the page"}`);

/// Fills and sends a composer; `form` is the form.composer locator.
async function send(form, { name, text }) {
  const nameInput = form.locator("input.composer-name");
  if (name !== undefined && (await nameInput.count()) > 0) await nameInput.fill(name);
  await form.locator("textarea.composer-body").fill(text);
  await form.locator("button.composer-send").click();
}

/// Retries a failed send: the composer's own retry button if it has one, else Send.
async function retrySend(form) {
  const retry = form.locator(".composer-error button, button.composer-retry");
  await ((await retry.count()) > 0 ? retry.first() : form.locator("button.composer-send")).click();
}

/// Clicks "Xem thêm" until it is gone, waiting for each page to arrive and render.
async function loadAll(w, isListRequest) {
  for (let round = 0; round < 20; round++) {
    if (!(await w.more.isVisible())) return;
    const before = await w.comments.count();
    const response = w.page.waitForResponse((r) => isListRequest(new URL(r.url()), r.request().method()));
    await w.more.click();
    await response;
    await until(async () => (await w.comments.count()) > before || !(await w.more.isVisible()), "the next page rendered");
  }
  throw new Error("Xem thêm never ran out");
}

/// The widget's default data-depth: levels shown, top level included.
const DEFAULT_DEPTH = 2;

/// `shown` has reply `id` in an ol.comment-replies under its parent; or, when the
/// reply is deeper than `depth` levels, under its ancestor on level `depth` − 1
/// (deeper replies are shown flattened on the deepest level).
function assertNested(shown, id, parent, parentOf, depth = DEFAULT_DEPTH) {
  const c = shown.find((s) => s.id === String(id));
  assert.ok(c, `comment ${id} is shown`);
  assert.ok(c.inReplies, `reply ${id} is in an ol.comment-replies`);
  const chain = []; // parent, grandparent, …, top level
  for (let p = parent; p !== null && p !== undefined; p = parentOf(p)) chain.push(String(p));
  const level = chain.length + 1;
  const expected = level <= depth ? chain[0] : chain[chain.length - (depth - 1)];
  assert.equal(c.parent, expected, `reply ${id} (level ${level}, parent ${parent}) shown under ${expected} at data-depth ${depth}`);
}

function assertNoDuplicates(shown) {
  const ids = shown.map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length, `duplicate ids: ${ids.filter((id, i) => ids.indexOf(id) !== i)}`);
}

function assertTime(c, expectedMs) {
  assert.ok(c.datetime, `comment ${c.id} has time[datetime]`);
  const ms = Date.parse(c.datetime);
  assert.ok(Math.abs(ms - expectedMs) < 1000, `comment ${c.id}: datetime ${c.datetime}, expected ${new Date(expectedMs).toISOString()}`);
}

const RESOURCE_ERROR = /Failed to load resource: the server responded with a status of/;
/// Chromium reports a `script-src-attr` violation, and logs "Executing inline event
/// handler violates … The action has been blocked." on the console, for every inline
/// handler in HTML merely *parsed* into an inert document (DOMParser, <template> and
/// createHTMLDocument alike, once per policy), before any sanitizer can remove it.
/// Where comment HTML carries handlers (`parsedHandlers`), only those are tolerated,
/// and assertNoActiveContent checks what was actually rendered.
const PARSED_HANDLER_CSP = /^script-src-attr inline$/;
const PARSED_HANDLER_CONSOLE = /^Executing inline event handler violates the following Content Security Policy/;

/// No CSP violations, page errors or console errors (except the allowed ones).
async function assertClean(page, problems, { console: allowConsole = [], parsedHandlers = false } = {}) {
  const allowCsp = parsedHandlers ? [PARSED_HANDLER_CSP] : [];
  if (parsedHandlers) allowConsole = [...allowConsole, PARSED_HANDLER_CONSOLE];
  const csp = await page.evaluate(() => window.__csp);
  assert.deepEqual(csp.filter((v) => !allowCsp.some((re) => re.test(v))), [], "no CSP violations");
  assert.deepEqual(problems.pageErrors, [], "no page errors");
  assert.deepEqual(problems.consoleErrors.filter((m) => !allowConsole.some((re) => re.test(m))), [], "no console errors");
}

/// Nothing in the rendered comments can run: no script elements, no inline handler
/// attributes, no javascript: URLs; and nothing did (`window.__pwned`).
async function assertNoActiveContent(w) {
  const active = await w.host.evaluate((host) =>
    [...host.shadowRoot.querySelectorAll("script, [href], [src], *")]
      .filter(
        (el) =>
          el.localName === "script" ||
          [...el.attributes].some((a) => /^on/i.test(a.name) || /^\s*javascript:/i.test(a.value)),
      )
      .map((el) => el.outerHTML.slice(0, 120)),
  );
  assert.deepEqual(active, [], "no active content rendered");
  assert.equal(await w.page.evaluate(() => window.__pwned), undefined, "nothing from content_html ran");
}

const normalize = (s) => s.replace(/\s+/g, " ").trim();

/// The visible text of the HTML bodies used here (block tags become spaces).
function htmlText(html) {
  return normalize(
    html
      .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1>/gi, "")
      .replace(/<\/?(p|div|br|li|ul|ol|blockquote|h\d)\b[^>]*>/gi, " ")
      .replace(/<[^>]*>/g, "")
      .replace(/&nbsp;/g, " "),
  );
}

/// The reader-action controls in the widget (by class or by label), as
/// "class: text": what an adapter without those actions must not show.
function actionControls(w) {
  return w.host.evaluate((host) =>
    [...host.shadowRoot.querySelectorAll("button, [role=button]")]
      .filter(
        (b) =>
          /\bcomment-(like|report|edit|delete)\b/.test(b.className) ||
          /^(Thích|Vi phạm|Đã báo cáo|Sửa|Xóa)\b/.test(b.textContent.trim()),
      )
      .map((b) => `${b.className}: ${b.textContent.trim()}`),
  );
}

/// The order pills' labels, and the pressed one.
async function sortPills(w) {
  const options = w.host.locator("button.comments-sort-option");
  const labels = (await options.allTextContents()).map((t) => t.trim());
  const pressed = [];
  for (let i = 0; i < labels.length; i++) {
    if ((await options.nth(i).getAttribute("aria-pressed")) === "true") pressed.push(labels[i]);
  }
  return { labels, pressed };
}

// ---------------------------------------------------------------------------
// json-server
// ---------------------------------------------------------------------------

describe("adapter: json-server 0.17.4 (adapters/json-server.json)", () => {
  const ADAPTER = "/adapters/json-server.json";
  let server;
  before(async () => {
    server = await jsonServer.start({ siteDir: SITE_DIR });
  });
  after(async () => {
    await server?.stop();
  });

  /// The thread as the API holds it, oldest first (the adapter's order).
  const thread = async () => {
    const res = await fetch(`${server.baseUrl}/api/comments?threadId=demo&_sort=createdAt&_order=asc`);
    return res.json();
  };
  const isList = (url, method) => url.pathname === "/api/comments" && method === "GET";

  test("the adapter and json-server agree, in Node (contract)", async () => {
    // Runs on its own copy of the database, so the browser tests see the seed.
    const scratch = await jsonServer.start({ siteDir: SITE_DIR });
    try {
      const { created } = await adapterContract(adapterFile("json-server.json"), scratch, { expectTotal: 30 });
      assert.ok(created.every(Number.isInteger), "json-server gives numeric ids");
    } finally {
      await scratch.stop();
    }
  });

  test("lists the thread: total, first page oldest first, replies nested, text bodies; Xem thêm loads the rest once", async () => {
    const expected = await thread();
    assert.equal(expected.length, 30);
    const byId = new Map(expected.map((c) => [String(c.id), c]));
    const parentOf = (id) => byId.get(String(id))?.parentId ?? null;
    const { context, page, problems, apiRequests, w } = await openWidget(server, { adapter: ADAPTER });
    try {
      await loaded(w, 30);
      let shown = await snapshot(w);
      const firstPage = expected.slice(0, 20);
      assert.deepEqual(shown.map((c) => c.id).sort(), firstPage.map((c) => String(c.id)).sort(), "exactly the first page");
      assert.deepEqual(
        shown.filter((c) => c.topLevel).map((c) => c.id),
        firstPage.filter((c) => c.parentId === null).map((c) => String(c.id)),
        "top level in the API's order (oldest first)",
      );
      for (const c of shown) {
        const e = byId.get(c.id);
        assert.equal(c.author, e.user.name, `author of ${c.id}`);
        assert.equal(c.body, normalize(e.body), `body of ${c.id}`);
        assertTime(c, e.createdAt);
        assert.ok(c.hasReplyButton, `comment ${c.id} has a reply button`);
        if (e.parentId === null) assert.ok(c.topLevel, `${c.id} is top level`);
        else assertNested(shown, c.id, e.parentId, parentOf);
      }
      // The request: the adapter's query, page 1 of 20, and nothing json-server
      // would take for a field filter.
      const first = apiRequests.find((r) => isList(r.url, r.method)).url.searchParams;
      assert.equal(first.get("threadId"), "demo");
      assert.equal(first.get("_sort"), "createdAt");
      assert.equal(first.get("_order"), "asc");
      assert.equal(first.get("_page"), "1");
      assert.equal(first.get("_limit"), "20");

      await loadAll(w, isList);
      shown = await snapshot(w);
      assertNoDuplicates(shown);
      assert.deepEqual(shown.map((c) => c.id).sort(), expected.map((c) => String(c.id)).sort(), "the whole thread");
      const pages = apiRequests.filter((r) => isList(r.url, r.method)).map((r) => r.url.searchParams.get("_page"));
      assert.deepEqual(pages, ["1", "2"], "two pages, each requested once");
      // Replies on page 2 whose parent came on page 1, and a reply to one of them.
      assertNested(shown, 22, 2, parentOf);
      assertNested(shown, 28, 1, parentOf);
      assertNested(shown, 30, 22, parentOf);
      // bodyFormat "text": markup in a comment is shown as typed, never parsed.
      const literal = shown.find((c) => c.id === "21");
      assert.match(literal.body, /<b>in đậm<\/b>/);
      assert.deepEqual(literal.bold, []);
      // http(s) links in text bodies become links.
      assert.ok(shown.find((c) => c.id === "18").links.some((l) => l.href === "https://yenha.example.vn/quy-hoach"));
      await assertClean(page, problems);
    } finally {
      await context.close();
    }
  });

  test("a site's own adapter: the part that reads it is fetched together with the section's part, not after it", async () => {
    const { context, page, problems, w } = await openWidget(server, { adapter: ADAPTER });
    try {
      await loaded(w, 30);
      const parts = await page.evaluate(() =>
        performance
          .getEntriesByType("resource")
          .filter((e) => e.name.endsWith(".wasm"))
          .map((e) => ({ name: e.name.split("/").pop(), start: e.startTime, end: e.responseEnd })),
      );
      const adapterPart = parts.find((p) => /^ykien-adapter-[0-9a-f]+\.wasm$/.test(p.name));
      const section = parts.find((p) => /^ykien-comments-[0-9a-f]+\.wasm$/.test(p.name));
      assert.ok(adapterPart && section, `both parts: ${JSON.stringify(parts)}`);
      assert.ok(adapterPart.start < section.end, `requested before the section's part was in: ${JSON.stringify(parts)}`);
      await assertClean(page, problems);
    } finally {
      await context.close();
    }
  });

  test("posting a comment and a reply sends the API's shape; both are there after a reload", async () => {
    const before = (await thread()).length;
    const stamp = randomUUID().slice(0, 8);
    const name = "Nguyễn Văn Kiểm Thử";
    const text = `Bình luận kiểm thử ${stamp}: mong dự án minh bạch, đúng tiến độ.`;
    const replyText = `Trả lời kiểm thử ${stamp}: đồng ý với bạn.`;
    const { context, page, problems, apiRequests, w } = await openWidget(server, { adapter: ADAPTER });
    try {
      await loaded(w, before);
      const composer = await ownWait(w, null, "form.composer");
      await composer.locator("textarea.composer-body").fill(text);
      await waitText(composer.locator(".composer-counter"), new RegExp(`^\\s*${[...text].length} / 500 ký tự`));
      const t0 = Date.now();
      await send(composer, { name, text });
      const mine = await until(async () => (await snapshot(w)).find((c) => c.body === text), "the new comment shown");
      const t1 = Date.now();
      assert.ok(mine.topLevel);
      assert.equal(mine.author, name);

      // What json-server received and stored: exactly the adapter's body, typed.
      const post = apiRequests.find((r) => r.method === "POST");
      assert.equal(post.url.pathname, "/api/comments");
      assert.match(post.headers["content-type"], /^application\/json/);
      assert.equal(post.headers["idempotency-key"], undefined, "idempotencyHeader null sends none");
      const sent = JSON.parse(post.body);
      assert.deepEqual(Object.keys(sent).sort(), ["body", "createdAt", "parentId", "threadId", "user"]);
      assert.deepEqual({ ...sent, createdAt: 0 }, { threadId: "demo", parentId: null, user: { name }, body: text, createdAt: 0 });
      assert.ok(Number.isInteger(sent.createdAt) && sent.createdAt >= t0 - 5000 && sent.createdAt <= t1 + 5000, `createdAt ${sent.createdAt}`);
      const stored = await (await fetch(`${server.baseUrl}/api/comments/${mine.id}`)).json();
      assert.deepEqual(stored, { ...sent, id: Number(mine.id) }, "the widget shows the id json-server gave");

      // A reply to comment 1: parentId goes out as the number json-server uses.
      await (await ownWait(w, "1", "button.comment-reply")).click();
      const replyForm = await ownWait(w, "1", "form.composer");
      await send(replyForm, { name, text: replyText });
      const reply = await until(async () => (await snapshot(w)).find((c) => c.body === replyText), "the reply shown");
      const storedReply = await (await fetch(`${server.baseUrl}/api/comments/${reply.id}`)).json();
      assert.equal(storedReply.parentId, 1);
      assert.equal(storedReply.threadId, "demo");
      assert.equal(storedReply.body, replyText);
      const parentOf = (id) => (id === reply.id ? 1 : null);
      assertNested(await snapshot(w), reply.id, 1, parentOf);

      await page.reload();
      await loaded(w, before + 2);
      await loadAll(w, isList);
      const shown = await snapshot(w);
      assertNoDuplicates(shown);
      assert.equal(shown.length, before + 2);
      assert.ok(shown.find((c) => c.id === mine.id && c.body === text && c.topLevel), "the comment, after reload");
      assertNested(shown, reply.id, 1, parentOf);
      await assertClean(page, problems);
    } finally {
      await context.close();
    }
  });

  test('data-lang="en": the heading is in English', async () => {
    const total = (await thread()).length;
    const { context, page, problems, w } = await openWidget(server, { adapter: ADAPTER, lang: "en" });
    try {
      await loaded(w, total, "Comments");
      await assertClean(page, problems);
    } finally {
      await context.close();
    }
  });

  test("sort: Cũ nhất (the adapter's order) and Mới nhất by _order=desc, no Quan tâm nhất; the choice kept after a reload", async () => {
    const total = (await thread()).length;
    const newestFirst = await (await fetch(`${server.baseUrl}/api/comments?threadId=demo&_sort=createdAt&_order=desc`)).json();
    const topLevel = (list) => list.filter((c) => c.parentId === null).map((c) => String(c.id));
    const { context, page, problems, apiRequests, w } = await openWidget(server, { adapter: ADAPTER });
    try {
      await loaded(w, total);
      const tops = async () => (await snapshot(w)).filter((c) => c.topLevel).map((c) => c.id);
      assert.deepEqual(await sortPills(w), { labels: ["Mới nhất", "Cũ nhất"], pressed: ["Cũ nhất"] }, "two orders, oldest by default");
      assert.equal(await w.host.locator(".comments-sort").getAttribute("role"), "group");
      assert.equal((await tops())[0], topLevel(await thread())[0], "oldest first");
      assert.equal(apiRequests.filter((r) => isList(r.url, r.method)).at(-1).url.searchParams.get("_order"), "asc");

      const from = apiRequests.length;
      await w.host.locator("button.comments-sort-option", { hasText: "Mới nhất" }).click();
      await until(async () => (await tops())[0] === topLevel(newestFirst)[0], "the newest comment first");
      // The first page of the newest 20 (replies included), top level newest first.
      const firstPage = newestFirst.slice(0, 20);
      assert.deepEqual(await tops(), topLevel(firstPage), "top level newest first");
      const asked = apiRequests.slice(from).filter((r) => isList(r.url, r.method)).map((r) => r.url.searchParams);
      assert.equal(asked.length, 1, "one list request for the new order");
      assert.equal(asked[0].get("_order"), "desc", "_order replaced, not added");
      assert.deepEqual(asked[0].getAll("_order"), ["desc"]);
      assert.equal(asked[0].get("_sort"), "createdAt");
      assert.equal(asked[0].get("threadId"), "demo");
      assert.equal(asked[0].get("_page"), "1");
      assert.deepEqual((await sortPills(w)).pressed, ["Mới nhất"]);

      // Every comment is still reached, each once, paging in the new order.
      await loadAll(w, isList);
      let shown = await snapshot(w);
      assertNoDuplicates(shown);
      assert.equal(shown.length, total);
      assert.ok(
        apiRequests.slice(from).filter((r) => isList(r.url, r.method)).every((r) => r.url.searchParams.get("_order") === "desc"),
        "every page asked newest first",
      );

      await page.reload();
      await loaded(w, total);
      assert.deepEqual((await sortPills(w)).pressed, ["Mới nhất"], "remembered");
      assert.equal((await tops())[0], topLevel(newestFirst)[0]);
      const afterReload = apiRequests.filter((r) => isList(r.url, r.method)).at(-1).url.searchParams;
      assert.equal(afterReload.get("_order"), "desc");
      await assertClean(page, problems);
    } finally {
      await context.close();
    }
  });

  test("no likes, reports, editing or deleting: json-server has none, so no Thích, Vi phạm, Sửa or Xóa, also on one's own comment", async () => {
    const total = (await thread()).length;
    const text = `Không có nút thừa ${randomUUID().slice(0, 8)}`;
    const { context, page, problems, apiRequests, w } = await openWidget(server, { adapter: ADAPTER });
    try {
      await loaded(w, total);
      await loadAll(w, isList);
      assert.equal((await snapshot(w)).length, total);
      assert.deepEqual(await actionControls(w), [], "no action controls on any comment");
      assert.equal(await w.host.locator("dialog").count(), 0);

      await send(await ownWait(w, null, "form.composer"), { name: "Lan", text });
      const mine = await until(async () => (await snapshot(w)).find((c) => c.body === text), "the new comment shown");
      assert.ok(mine.hasReplyButton, "it can still be answered");
      assert.deepEqual(await actionControls(w), [], "none on the reader's own comment either");
      await page.reload();
      await loaded(w, total + 1);
      await loadAll(w, isList);
      assert.ok((await snapshot(w)).some((c) => c.id === mine.id));
      assert.deepEqual(await actionControls(w), [], "nor after a reload");
      const methods = new Set(apiRequests.map((r) => `${r.method} ${r.url.pathname}`));
      assert.deepEqual([...methods].sort(), ["GET /api/comments", "POST /api/comments"], "only lists and the create");
      await assertClean(page, problems);
    } finally {
      await context.close();
    }
  });
});

// ---------------------------------------------------------------------------
// Forum-style API: nested replies, offset paging, HTML, moderation, errors
// ---------------------------------------------------------------------------

describe("adapter: forum-style API (adapters/nested-offset.json)", () => {
  const ADAPTER = "/adapters/nested-offset.json";
  // One level more than the default, so replies of replies show in place.
  const DEPTH = 3;
  const { MESSAGES, FLAG_REASONS } = nestedOffset;
  let server;
  before(async () => {
    // "actions": a small thread of its own for the likes and reports.
    server = await nestedOffset.start({ siteDir: SITE_DIR, threads: { demo: demoThread(), actions: actionsThread() } });
  });
  after(async () => {
    await server?.stop();
  });

  const isList = (url, method) => url.pathname === "/api/threads/demo/posts" && method === "GET";
  const total = () => server.store.total("demo");
  const parentOf = (id) => server.store.find("demo", Number(id))?.reply_to ?? null;
  /// Page `n` (0-based) as the API serves it, flattened: [{post, parent}].
  const pageOf = (n) => {
    const out = [];
    const walk = (p, parent) => {
      out.push({ post: p, parent });
      for (const c of p.children) walk(c, p.post_id);
    };
    for (const p of server.store.page("demo", n * 20, 20)) walk(p, null);
    return out;
  };
  /// The POST the widget sent after request-log index `from`, once answered.
  const answeredPost = (from) => server.waitForRequest((r) => r.method === "POST" && r.status !== undefined, { from });

  test("the adapter and the forum API agree, in Node (contract)", async () => {
    const scratch = await nestedOffset.start({ siteDir: SITE_DIR });
    try {
      await adapterContract(adapterFile("nested-offset.json"), scratch, {
        expectTotal: 61,
        errorCase: { body: "<p> </p>", status: 422, message: MESSAGES.empty },
      });
    } finally {
      await scratch.stop();
    }
  });

  test("loading, then page 1: total, newest first, replies nested at every depth, sanitized HTML; Xem thêm pages by offset", async () => {
    const release = server.hold();
    const { context, page, problems, w } = await openWidget(server, { adapter: ADAPTER, depth: DEPTH });
    try {
      // While the API has not answered.
      await waitText(w.loading, /Đang tải dữ liệu…/);
      await w.host.locator('section.comments[aria-busy="true"]').waitFor({ timeout: TIMEOUT });
      assert.match(await w.title.textContent(), /^\s*Ý kiến \(\)\s*$/);
      release();

      await loaded(w, total());
      assert.equal(await w.loading.count(), 0, "the loading line is gone");
      const expected = pageOf(0);
      let shown = await snapshot(w);
      assert.deepEqual(shown.map((c) => c.id).sort(), expected.map((e) => String(e.post.post_id)).sort(), "exactly page 1");
      assert.deepEqual(
        shown.filter((c) => c.topLevel).map((c) => c.id),
        expected.filter((e) => e.parent === null).map((e) => String(e.post.post_id)),
        "top level newest first, as the API lists it",
      );
      for (const { post, parent } of expected) {
        const c = shown.find((s) => s.id === String(post.post_id));
        assert.equal(c.author, post.by.display_name, `author of ${c.id}`);
        assert.equal(c.body, htmlText(post.content_html), `body of ${c.id}`);
        assertTime(c, post.ts * 1000);
        if (parent === null) assert.ok(c.topLevel, `${c.id} top level`);
        else assertNested(shown, post.post_id, parent, parentOf, DEPTH);
      }
      // 1045 → 2001 → 2002 → 2003: at data-depth 3, 2002 is in place under 2001 and
      // 2003 (level 4) is shown on level 3 beside it.
      assertNested(shown, 2002, 2001, parentOf, DEPTH);
      assertNested(shown, 2003, 2002, parentOf, DEPTH);
      assert.equal(shown.find((c) => c.id === "2003").parent, "2001");
      // Queued posts are not the public's.
      assert.ok(!shown.some((c) => c.id === "3001" || c.id === "3002"));

      // HTML bodies: formatting kept, anything active removed.
      assert.deepEqual(shown.find((c) => c.id === String(BOLD_POST_ID)).bold, ["mạnh mẽ", "trường học"]);
      const xss = shown.find((c) => c.id === String(XSS_POST_ID));
      assert.doesNotMatch(xss.bodyHtml, /<script|onerror|javascript:/i);
      assert.ok(xss.links.every((l) => l.href === null || /^https?:/.test(l.href)), JSON.stringify(xss.links));
      const external = xss.links.find((l) => l.href === "https://yenha.example.vn/du-an");
      assert.ok(external, "the http(s) link is kept");
      assert.match(external.rel ?? "", /nofollow/);

      // Offset paging: offsets 20 and 40, 20 at a time, until the short last page.
      const from = server.requests.length;
      await loadAll(w, isList);
      shown = await snapshot(w);
      assertNoDuplicates(shown);
      assert.equal(shown.length, total(), "every published post");
      const offsets = server.requests.slice(from).filter((r) => r.method === "GET").map((r) => [r.query.offset, r.query.limit]);
      assert.deepEqual(offsets, [["20", "20"], ["40", "20"]]);
      assertNested(shown, 2010, 2009, parentOf, DEPTH);
      assertNested(shown, 2016, 1001, parentOf, DEPTH);
      await assertNoActiveContent(w);
      await assertClean(page, problems, { parsedHandlers: true });
    } finally {
      release();
      await context.close();
    }
  });

  test("posting a comment and a reply to a nested reply: typed JSON with X-Request-Id, shown in place, there after reload", async () => {
    const total0 = total();
    const stamp = randomUUID().slice(0, 8);
    const name = "Trần Thị Kiểm Thử";
    // The API takes HTML: what the reader types is sent as content_html, and the
    // widget renders what comes back through its sanitizer.
    const text = `Ý kiến có <strong>chữ đậm</strong> và <img src="data:," onerror="window.__pwned = 4">ảnh ${stamp}`;
    const replyText = `Trả lời lồng nhau ${stamp}`;
    const { context, page, problems, w } = await openWidget(server, { adapter: ADAPTER, depth: DEPTH });
    try {
      await loaded(w, total0);
      let from = server.requests.length;
      const t0 = Date.now() / 1000;
      await send(await ownWait(w, null, "form.composer"), { name, text });
      const post = await answeredPost(from);
      assert.equal(post.status, 201);
      assert.match(post.headers["content-type"], /^application\/json/);
      const requestId = post.headers["x-request-id"];
      assert.ok(requestId, "X-Request-Id sent");
      assert.deepEqual(Object.keys(post.body).sort(), ["client_ts", "content_html", "display_name", "reply_to"]);
      assert.deepEqual({ ...post.body, client_ts: 0 }, { reply_to: null, display_name: name, content_html: text, client_ts: 0 });
      assert.ok(typeof post.body.client_ts === "number" && Math.abs(post.body.client_ts - t0) < 60, `client_ts ${post.body.client_ts}`);

      const mine = await until(async () => (await snapshot(w)).find((c) => c.body?.includes(stamp)), "the new post shown");
      assert.equal(mine.id, String(post.response.data.post_id), "shown with the API's post_id");
      assert.ok(mine.topLevel);
      assert.equal((await snapshot(w)).find((c) => c.topLevel).id, mine.id, 'order "newest": the new post goes on top');
      assert.equal(mine.body, `Ý kiến có chữ đậm và ảnh ${stamp}`);
      assert.deepEqual(mine.bold, ["chữ đậm"]);
      assert.doesNotMatch(mine.bodyHtml, /onerror/i);

      // A reply to 2002 (itself a reply to a reply): reply_to is the integer post_id.
      await (await ownWait(w, "2002", "button.comment-reply")).click();
      from = server.requests.length;
      await send(await ownWait(w, "2002", "form.composer"), { name, text: replyText });
      const replyPost = await answeredPost(from);
      assert.equal(replyPost.status, 201);
      assert.equal(replyPost.body.reply_to, 2002);
      assert.notEqual(replyPost.headers["x-request-id"], requestId, "a new key per comment");
      const reply = await until(async () => (await snapshot(w)).find((c) => c.body === replyText), "the reply shown");
      assert.equal(reply.id, String(replyPost.response.data.post_id));
      assertNested(await snapshot(w), reply.id, 2002, parentOf, DEPTH);

      // Paging on after the insert shifted the offsets: still no duplicates.
      await loadAll(w, isList);
      let shown = await snapshot(w);
      assertNoDuplicates(shown);
      assert.equal(shown.length, total0 + 2);

      await page.reload();
      await loaded(w, total0 + 2);
      shown = await snapshot(w);
      assert.equal(shown.find((c) => c.topLevel).id, mine.id, "newest first after reload too");
      assertNested(shown, reply.id, 2002, parentOf, DEPTH);
      await assertNoActiveContent(w);
      await assertClean(page, problems, { parsedHandlers: true });
    } finally {
      await context.close();
    }
  });

  test('"#moderate": the API holds the post (202, queued) and the widget shows it awaiting approval', async () => {
    const total0 = total();
    const text = `Xin ban biên tập duyệt giúp ${randomUUID().slice(0, 8)} #moderate`;
    const { context, page, problems, w } = await openWidget(server, { adapter: ADAPTER, depth: DEPTH });
    try {
      await loaded(w, total0);
      const from = server.requests.length;
      await send(await ownWait(w, null, "form.composer"), { name: "Người Chờ", text });
      const post = await answeredPost(from);
      assert.equal(post.status, 202);
      assert.equal(post.response.data.state, "queued");
      const held = await until(async () => (await snapshot(w)).find((c) => c.body === text), "the held post shown");
      assert.ok(held.pending, "li.comment.is-pending");
      assert.match(held.pendingText ?? "", /Đang chờ duyệt/);
      assert.equal(server.store.find("demo", Number(held.id))?.state, "queued");
      assert.equal(total(), total0, "held posts are not counted");
      await assertClean(page, problems, { parsedHandlers: true });
    } finally {
      await context.close();
    }
  });

  test("a 422 from the API: its message is shown and the reader's text is kept", async () => {
    const total0 = total();
    const posts0 = server.store.posts("demo").length;
    // Not empty to the widget, but empty to this API once the markup is removed.
    const text = "<p> </p>";
    const { context, page, problems, w } = await openWidget(server, { adapter: ADAPTER, depth: DEPTH });
    try {
      await loaded(w, total0);
      const composer = await ownWait(w, null, "form.composer");
      const from = server.requests.length;
      await send(composer, { name: "Lan", text });
      assert.equal((await answeredPost(from)).status, 422);
      const error = composer.locator(".composer-error");
      await waitText(error, new RegExp(MESSAGES.empty.replace(/[.]/g, "\\.")));
      assert.equal(await error.getAttribute("role"), "alert");
      assert.equal(await composer.locator("textarea.composer-body").inputValue(), text);
      assert.equal(server.store.posts("demo").length, posts0, "nothing stored");
      await assertClean(page, problems, { console: [RESOURCE_ERROR, /^ykien:/], parsedHandlers: true });
    } finally {
      await context.close();
    }
  });

  test("API down: the list shows an error with Thử lại; once it is back, retry loads the thread", async () => {
    server.setDown(true);
    const { context, page, problems, w } = await openWidget(server, { adapter: ADAPTER, depth: DEPTH });
    try {
      await w.error.waitFor({ timeout: TIMEOUT });
      assert.equal(await w.error.getAttribute("role"), "alert");
      await waitText(w.retry, /Thử lại/);
      assert.equal(await w.comments.count(), 0);
      server.setDown(false);
      await w.retry.click();
      await loaded(w, total());
      assert.equal(await w.error.count(), 0, "the error is gone");
      assert.ok((await w.comments.count()) > 0);
      await assertClean(page, problems, { console: [RESOURCE_ERROR, /^ykien:/], parsedHandlers: true });
    } finally {
      server.setDown(false);
      await context.close();
    }
  });

  test("sending while the API is down: an error, then the retry sends the same X-Request-Id and stores it once", async () => {
    const text = `Gửi lại khi máy chủ hoạt động ${randomUUID().slice(0, 8)}`;
    const { context, page, problems, w } = await openWidget(server, { adapter: ADAPTER, depth: DEPTH });
    try {
      await loaded(w, total());
      const composer = await ownWait(w, null, "form.composer");
      const from = server.requests.length;
      server.setDown(true);
      await send(composer, { name: "Lan", text });
      await composer.locator(".composer-error").waitFor({ timeout: TIMEOUT });
      assert.equal((await answeredPost(from)).status, 503);
      server.setDown(false);
      await retrySend(composer);
      const shown = await until(async () => (await snapshot(w)).find((c) => c.body === text), "the post shown after retry");
      const posts = server.requests.slice(from).filter((r) => r.method === "POST");
      assert.ok(posts.length >= 2);
      assert.equal(new Set(posts.map((r) => r.headers["x-request-id"])).size, 1, "one key for every attempt");
      const stored = server.store.posts("demo").filter((p) => p.content_html === text);
      assert.equal(stored.length, 1);
      assert.equal(shown.id, String(stored[0].post_id));
      await assertClean(page, problems, { console: [RESOURCE_ERROR, /^ykien:/], parsedHandlers: true });
    } finally {
      server.setDown(false);
      await context.close();
    }
  });

  test("a lost response (stored, then 503): the retry is answered from the idempotency record, no duplicate", async () => {
    const text = `Phản hồi bị mất ${randomUUID().slice(0, 8)}`;
    const { context, page, problems, w } = await openWidget(server, { adapter: ADAPTER, depth: DEPTH });
    try {
      await loaded(w, total());
      const composer = await ownWait(w, null, "form.composer");
      const from = server.requests.length;
      server.loseNextCreateResponse();
      await send(composer, { name: "Lan", text });
      await composer.locator(".composer-error").waitFor({ timeout: TIMEOUT });
      const [stored] = server.store.posts("demo").filter((p) => p.content_html === text);
      assert.ok(stored, "the first attempt was stored");
      await retrySend(composer);
      const shown = await until(async () => (await snapshot(w)).find((c) => c.body === text), "the post shown after retry");
      assert.equal(shown.id, String(stored.post_id), "the stored post, not a second one");
      assert.equal(server.store.posts("demo").filter((p) => p.content_html === text).length, 1);
      const attempts = server.requests.slice(from).filter((r) => r.method === "POST");
      assert.deepEqual(attempts.map((r) => r.status), [503, 201]);
      assert.equal(attempts[0].headers["x-request-id"], attempts[1].headers["x-request-id"]);
      await assertClean(page, problems, { console: [RESOURCE_ERROR, /^ykien:/], parsedHandlers: true });
    } finally {
      await context.close();
    }
  });

  // Reader actions: the forum has likes (a toggle per device) and flags with its own
  // reasons; no orders to choose, no editing or deleting by the author.
  const ACTIONS = "actions";
  const adapter = adapterFile("nested-offset.json");
  const actionsTotal = () => server.store.total(ACTIONS);
  const openActions = (options = {}) => openWidget(server, { adapter: ADAPTER, thread: ACTIONS, ...options });
  const likePath = (id) => `/api/threads/${ACTIONS}/posts/${id}/like`;
  const flagPath = (id) => `/api/threads/${ACTIONS}/posts/${id}/flags`;
  /// The like count shown on a button, "" when none is.
  const countOn = async (button) => ((await button.locator(".comment-like-count").count()) ? (await button.locator(".comment-like-count").textContent()).trim() : "");

  test("likes and flags through the adapter agree with the forum API, in Node (contract)", async () => {
    const scratch = await nestedOffset.start({ siteDir: SITE_DIR, threads: { demo: demoThread(), actions: actionsThread() } });
    try {
      const a = adapterFile("nested-offset.json");
      checkShape(a, documentedDefaults());
      const { baseUrl: origin, api } = scratch;
      const act = (action, id, vars) => actThroughAdapter(a, origin, api, ACTIONS, action, id, vars);
      const listed = async (id) => {
        const body = await (await fetch(`${origin}/api/threads/${ACTIONS}/posts`)).json();
        return at(at(body, a.list.items).find((p) => at(p, a.comment.id) === id), a.comment.likes);
      };
      assert.equal(await listed(ACTION_POSTS.liked), 2, "comment.likes reads the listed count");
      assert.equal(await listed(ACTION_POSTS.plain), 0);

      // like.toggle: the same request likes, and from the same device takes it back.
      assert.equal(a.like.toggle, true);
      assert.equal(a.unlike, null);
      const id = ACTION_POSTS.plain;
      const on = await act("like", id, { device: "node-device-0001" });
      assert.ok(on.ok, `like → ${on.status} ${JSON.stringify(on.json)}`);
      assert.deepEqual(on.sent, { device: "node-device-0001" });
      assert.deepEqual([at(on.json, a.like.count), at(on.json, a.like.liked)], [1, true]);
      const second = await act("like", id, { device: "node-device-0002" });
      assert.deepEqual([at(second.json, a.like.count), at(second.json, a.like.liked)], [2, true], "one like per device");
      const off = await act("like", id, { device: "node-device-0001" });
      assert.deepEqual([at(off.json, a.like.count), at(off.json, a.like.liked)], [1, false], "toggled back");
      assert.equal(await listed(id), 1);

      // Unknown, queued or bad ids: 404 in the forum's error shape, at the adapter's `error`.
      for (const [thread, bad] of [[ACTIONS, 999999], ["demo", 3001], [ACTIONS, "abc"]]) {
        const r = await actThroughAdapter(a, origin, api, thread, "like", bad, { device: "node-device-0001" });
        assert.equal(r.status, 404, `like ${thread}/${bad}`);
        assert.equal(at(r.json, a.error), MESSAGES.postMissing);
        const f = await actThroughAdapter(a, origin, api, thread, "report", bad, { reason: "spam" });
        assert.equal(f.status, 404, `flag ${thread}/${bad}`);
        assert.equal(at(f.json, a.error), MESSAGES.postMissing);
      }
      const noDevice = await act("like", id, { device: "" });
      assert.equal(noDevice.status, 422);

      // The adapter offers exactly the forum's reasons, with its note rules.
      assert.deepEqual(
        a.report.reasons.map((r) => [r.code, r.note ?? "optional"]),
        FLAG_REASONS.map((r) => [r.code, r.note]),
      );
      for (const r of a.report.reasons) {
        assert.ok(r.label.vi && r.label.en, `${r.code}: labelled in Vietnamese and English`);
        const sent = await act("report", ACTION_POSTS.spam, { reason: r.code, note: "Ghi chú" });
        assert.ok(sent.ok, `report ${r.code} → ${sent.status} ${JSON.stringify(sent.json)}`);
        assert.deepEqual(sent.sent, { reason: r.code, note: "Ghi chú" });
      }
      assert.deepEqual(
        scratch.store.flagsOf(ACTIONS, ACTION_POSTS.spam).map((f) => [f.reason, f.note]),
        [["spam", ""], ["abuse", "Ghi chú"], ["other", "Ghi chú"]],
        "stored; a spam flag takes no note",
      );
      const bare = await act("report", ACTION_POSTS.spam, { reason: "other", note: "" });
      assert.equal(bare.status, 422);
      assert.equal(at(bare.json, a.error), MESSAGES.flagNote, '"other" needs a note');
      const unknown = await act("report", ACTION_POSTS.spam, { reason: "offensive", note: "" });
      assert.equal(unknown.status, 422, "a reason the forum does not have");
      assert.equal(scratch.store.flagsOf(ACTIONS, ACTION_POSTS.spam).length, 3);

      // What the forum does not have, the adapter says it does not.
      assert.equal(a.edit, null);
      assert.equal(a.delete, null);
      assert.deepEqual(a.sort, { oldest: null, top: null });
    } finally {
      await scratch.stop();
    }
  });

  test("Thích: a toggle at the forum's like request, the device id each time; the API's count; kept after a reload; taken back", async () => {
    const { context, page, problems, w } = await openActions();
    try {
      await loaded(w, actionsTotal());
      // The count the API lists (comment.likes), on top-level posts and replies alike.
      const seeded = await ownWait(w, String(ACTION_POSTS.liked), "button.comment-like");
      assert.equal(await countOn(seeded), "2");
      assert.equal(await seeded.getAttribute("aria-pressed"), "false");
      assert.ok(await own(w, "5101", "button.comment-like"), "replies have Thích too");

      const id = ACTION_POSTS.plain;
      let like = await ownWait(w, String(id), "button.comment-like");
      assert.match((await like.textContent()).trim(), /^Thích$/);
      assert.equal(await like.getAttribute("aria-pressed"), "false");
      assert.equal(await countOn(like), "", "no count for 0");

      let from = server.requests.length;
      await like.click();
      await until(async () => (await like.getAttribute("aria-pressed")) === "true", "pressed");
      const on = await server.waitForRequest((r) => r.path === likePath(id) && r.status !== undefined, { from });
      assert.equal(on.method, "POST");
      assert.equal(on.status, 200);
      assert.deepEqual(Object.keys(on.body), ["device"], "the adapter's body, nothing else");
      const device = on.body.device;
      assert.match(device, /^[A-Za-z0-9]{16,64}$/, "the widget's device id");
      assert.deepEqual(on.response.data, { post_id: id, likes: 1, liked: true });
      await until(async () => (await countOn(like)) === "1", "the count 1");
      assert.equal(server.store.likeCount(ACTIONS, id), 1, "stored");
      assert.ok(server.store.likedBy(ACTIONS, id, device));

      await page.reload();
      await loaded(w, actionsTotal());
      like = await ownWait(w, String(id), "button.comment-like");
      assert.equal(await like.getAttribute("aria-pressed"), "true", "remembered on this device");
      assert.equal(await countOn(like), "1", "the API's count");

      from = server.requests.length;
      await like.click();
      await until(async () => (await like.getAttribute("aria-pressed")) === "false", "no longer pressed");
      const off = await server.waitForRequest((r) => r.path === likePath(id) && r.status !== undefined, { from });
      assert.equal(off.method, "POST", "like.toggle: the same request again");
      assert.deepEqual(off.body, { device }, "the same device");
      assert.deepEqual(off.response.data, { post_id: id, likes: 0, liked: false });
      await until(async () => (await countOn(like)) === "", "no count shown for 0");
      assert.equal(server.store.likeCount(ACTIONS, id), 0, "stored: taken back");
      assert.equal(server.store.likeCount(ACTIONS, ACTION_POSTS.liked), 2, "the others untouched");
      await assertClean(page, problems);
    } finally {
      await context.close();
    }
  });

  test("a like the forum refuses (the post was taken down meanwhile: 404) is rolled back, with the forum's message", async () => {
    const { context, page, problems, w } = await openActions();
    try {
      await loaded(w, actionsTotal());
      const id = ACTION_POSTS.doomed;
      const like = await ownWait(w, String(id), "button.comment-like");
      server.store.remove(ACTIONS, id);
      const from = server.requests.length;
      await like.click();
      const refused = await server.waitForRequest((r) => r.path === likePath(id) && r.status !== undefined, { from });
      assert.equal(refused.status, 404);
      const notice = w.host.locator(".comments-notice");
      await until(async () => (await notice.textContent()).includes("Chưa thích được ý kiến này"), "the failure message");
      assert.ok((await notice.textContent()).includes(MESSAGES.postMissing), `the forum's own words: ${await notice.textContent()}`);
      assert.equal(await notice.getAttribute("role"), "status");
      assert.equal(await like.getAttribute("aria-pressed"), "false", "rolled back");
      assert.equal(await countOn(like), "", "no count");
      assert.equal(server.store.likeCount(ACTIONS, id), 0);
      // The rest still works.
      const other = await ownWait(w, String(ACTION_POSTS.liked), "button.comment-like");
      await other.click();
      await until(async () => (await countOn(other)) === "3", "another like goes through");
      assert.equal(server.store.likeCount(ACTIONS, ACTION_POSTS.liked), 3);
      await assertClean(page, problems, { console: [RESOURCE_ERROR, /^ykien:/] });
    } finally {
      await context.close();
    }
  });

  test("Vi phạm: a dialog with the forum's reasons; 'other' needs a note; {reason, note} to /flags; 'Đã gửi báo cáo'; inert after, also after a reload", async () => {
    const { context, page, problems, w } = await openActions();
    try {
      await loaded(w, actionsTotal());
      const id = ACTION_POSTS.spam;
      let report = await ownWait(w, String(id), "button.comment-report");
      assert.equal((await report.textContent()).trim(), "Vi phạm");
      await report.click();
      const dialog = w.host.locator("dialog.report-dialog");
      await dialog.waitFor({ state: "visible", timeout: TIMEOUT });
      assert.equal(await dialog.evaluate((d) => d.open && d.matches(":modal")), true, "a modal dialog");
      const labels = (await dialog.locator(".report-reason").allInnerTexts()).map((t) => t.trim());
      assert.deepEqual(labels, adapter.report.reasons.map((r) => r.label.vi), "exactly the adapter's reasons");
      assert.deepEqual(adapter.report.reasons.map((r) => r.code), FLAG_REASONS.map((r) => r.code), "which are the forum's");
      assert.equal(await dialog.locator('input[type="radio"]').count(), FLAG_REASONS.length);

      // "spam" takes no note; "other" requires one.
      await dialog.locator(".report-reason", { hasText: "Rác, quảng cáo" }).click();
      assert.equal(await dialog.locator("textarea.report-note").count(), 0, "no note for spam");
      await dialog.locator(".report-reason", { hasText: "Lý do khác" }).click();
      const note = dialog.locator("textarea.report-note");
      assert.equal(await note.getAttribute("maxlength"), "500", "the forum's note limit");
      const from = server.requests.length;
      await dialog.locator("button.report-send").click();
      await until(async () => (await dialog.locator(".report-error").textContent().catch(() => "")) === "Hãy ghi rõ lý do.", "the note is asked for");
      assert.ok(!server.requests.slice(from).some((r) => r.path === flagPath(id)), "nothing sent yet");

      const text = "Quảng cáo lừa đảo, gặp ở nhiều bài";
      await note.fill(text);
      await dialog.locator("button.report-send").click();
      await until(async () => (await w.host.locator(".comments-notice").textContent()) === "Đã gửi báo cáo", "Đã gửi báo cáo");
      assert.equal(await dialog.count(), 0, "the dialog is closed");
      const sent = await server.waitForRequest((r) => r.path === flagPath(id) && r.status !== undefined, { from });
      assert.equal(sent.method, "POST");
      assert.equal(sent.status, 201);
      assert.deepEqual(sent.body, { reason: "other", note: text }, "the forum's body");
      assert.deepEqual(server.store.flagsOf(ACTIONS, id).map((f) => ({ reason: f.reason, note: f.note })), [{ reason: "other", note: text }], "stored");

      assert.equal((await report.textContent()).trim(), "Đã báo cáo");
      assert.equal(await report.getAttribute("aria-disabled"), "true");
      await report.click({ force: true });
      assert.equal(await dialog.count(), 0, "inert: no second dialog");
      // Others can still be reported.
      assert.equal((await (await ownWait(w, String(ACTION_POSTS.plain), "button.comment-report")).textContent()).trim(), "Vi phạm");

      await page.reload();
      await loaded(w, actionsTotal());
      report = await ownWait(w, String(id), "button.comment-report");
      assert.equal((await report.textContent()).trim(), "Đã báo cáo", "remembered on this device");
      assert.equal(await report.getAttribute("aria-disabled"), "true");
      assert.equal(server.store.flagsOf(ACTIONS, id).length, 1, "sent once");
      await assertClean(page, problems);
    } finally {
      await context.close();
    }
  });

  test('data-lang="en": the report dialog lists the forum\'s reasons in English', async () => {
    const { context, page, problems, w } = await openActions({ lang: "en" });
    try {
      await loaded(w, actionsTotal(), "Comments");
      await (await ownWait(w, String(ACTION_POSTS.plain), "button.comment-report")).click();
      const dialog = w.host.locator("dialog.report-dialog");
      await dialog.waitFor({ state: "visible", timeout: TIMEOUT });
      const labels = (await dialog.locator(".report-reason").allInnerTexts()).map((t) => t.trim());
      assert.deepEqual(labels, adapter.report.reasons.map((r) => r.label.en));
      await page.keyboard.press("Escape");
      await until(async () => (await dialog.count()) === 0, "closed");
      await assertClean(page, problems);
    } finally {
      await context.close();
    }
  });

  test("no order to choose, no Sửa or Xóa: not on others' posts, not on the reader's own new post", async () => {
    const total0 = actionsTotal();
    const text = `Bài của tôi ${randomUUID().slice(0, 8)}`;
    const { context, page, problems, w } = await openActions();
    try {
      await loaded(w, total0);
      assert.equal(await w.host.locator(".comments-sort, button.comments-sort-option").count(), 0, "no sort control");
      const from = server.requests.length;
      await send(await ownWait(w, null, "form.composer"), { name: "Lan", text });
      assert.equal((await answeredPost(from)).status, 201);
      const mine = await until(async () => (await snapshot(w)).find((c) => c.body === text), "the new post shown");
      assert.ok(await own(w, mine.id, "button.comment-like"), "the new post can be liked");
      assert.equal(await w.host.locator("button.comment-edit, button.comment-delete").count(), 0, "no Sửa / Xóa anywhere");
      const labels = (await w.host.locator("button").allTextContents()).map((t) => t.trim());
      assert.ok(!labels.some((t) => t === "Sửa" || t === "Xóa"), labels.join(", "));
      await page.reload();
      await loaded(w, total0 + 1);
      assert.equal(await w.host.locator(".comments-sort").count(), 0);
      assert.equal(await w.host.locator("button.comment-edit, button.comment-delete").count(), 0);
      await assertClean(page, problems);
    } finally {
      await context.close();
    }
  });
});
