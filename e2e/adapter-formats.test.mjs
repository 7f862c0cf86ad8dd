// End-to-end: the adapter format additions that Isso and Waline do not need, in
// Chromium against a legacy forum endpoint on the site's own origin
// (e2e/servers/legacy.mjs), described by an inline adapter: Link-header paging,
// times without an offset in the API's zone, HTML-escaped authors and bodies,
// "no parent" written as 0 both ways, the thread id sent as a number, the
// canonical URL, CSRF values from a <meta> tag and a cookie, the API's plain-text
// refusal, and a first page of replies whose parents come later.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { launch } from "./browser.mjs";
import { checkSiteDir, siteDirFromEnv } from "./servers/paths.mjs";
import { startSite } from "./servers/site.mjs";
import { createLegacyApi, XSRF } from "./servers/legacy.mjs";
import { loadAll, loaded, openWidget, ownWait, snapshot, until, TIMEOUT } from "./servers/widget-page.mjs";

const SITE_DIR = siteDirFromEnv();
const ADAPTER = JSON.stringify({
  order: "newest",
  timeZone: "Asia/Ho_Chi_Minh",
  list: {
    url: "{api}/posts/{thread}/comments",
    query: { per: "10" },
    items: "",
    paging: { type: "link" },
    total: null,
    totalHeader: "X-Total",
    heldParam: null,
  },
  comment: { id: "comment_id", parent: "reply_to", noParent: [0], author: "name", body: "text", created: "posted", status: null },
  authorFormat: "escaped",
  bodyFormat: "escaped",
  error: null,
  create: {
    url: "{api}/posts/{thread}/comments",
    credentials: "same-origin",
    headers: { "X-CSRF-Token": "{meta:csrf-token}", "X-XSRF-TOKEN": "{cookie:XSRF-TOKEN}" },
    body: { post_id: "{thread|number}", reply_to: "{parent}", name: "{author}", text: "{body}", page: "{canonicalUrl}" },
    noParent: 0,
    idempotencyHeader: null,
    created: [201],
    held: [],
    item: "comment",
    token: null,
  },
});

describe("adapter format additions against a legacy forum endpoint", () => {
  let browser, site, api;
  before(async () => {
    checkSiteDir(SITE_DIR);
    api = createLegacyApi();
    site = await startSite({ siteDir: SITE_DIR, handler: api.handler, cookie: `XSRF-TOKEN=${encodeURIComponent(XSRF)}; Path=/; SameSite=Lax` });
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await site?.stop();
  });

  const url = () => site.page({ api: "/legacy", thread: "42", adapter: ADAPTER });

  test("a first page of replies only: the next loads by itself; Link paging, zone, escaped fields, 0 as no parent", async () => {
    const { context, problems, w } = await openWidget(browser, url());
    const gets = () => api.requests.filter((r) => r.method === "GET");
    const from = gets().length;
    try {
      await loaded(w, 25);
      // Page 1 is ten replies to comments on pages 2 and 3: nothing to show yet, so
      // page 2 follows without a click.
      await until(async () => (await snapshot(w)).length > 0, "something shown");
      const requested = gets().slice(from).map((r) => r.url.search);
      assert.deepEqual(requested.slice(0, 2), ["?per=10", "?per=10&page=2"], "page 2 from the Link header");
      await loadAll(w);
      assert.deepEqual(gets().slice(from).map((r) => r.url.search), ["?per=10", "?per=10&page=2", "?per=10&page=3"]);
      const shown = await snapshot(w);
      assert.equal(shown.length, 25);
      for (const c of api.comments) {
        const s = shown.find((x) => x.id === String(c.comment_id));
        assert.ok(s, `comment ${c.comment_id}`);
        assert.equal(s.parent, c.reply_to === 0 ? null : String(c.reply_to), `parent of ${c.comment_id}`);
        assert.equal(s.author, c.name, "decoded once");
        assert.equal(s.body, c.text, "escaped text shown as text, never as markup");
        assert.deepEqual(s.bold, []);
        assert.equal(s.datetime, new Date(c.ms).toISOString(), `"${api.vietnamTime(c.ms)}" read in Vietnam time`);
      }
      assert.deepEqual(problems.pageErrors, []);
      assert.deepEqual(problems.consoleErrors, []);
    } finally {
      await context.close();
    }
  });

  test("posting: CSRF from the page's <meta> and cookie, the thread as a number, 0 for no parent; the API's plain-text refusal", async () => {
    const { context, page, w } = await openWidget(browser, url());
    try {
      await loaded(w, /\d+/.source);
      const stamp = randomUUID().slice(0, 8);
      const form = await ownWait(w, null, "form.composer");
      await form.locator("input.composer-name").fill("Lan & Hà");
      await form.locator("textarea.composer-body").fill(`Ý kiến ${stamp}`);
      await form.locator("button.composer-send").click();
      await until(async () => (await snapshot(w)).find((c) => c.body === `Ý kiến ${stamp}`), "the new comment");
      const post = api.requests.filter((r) => r.method === "POST").at(-1);
      assert.equal(post.headers["x-csrf-token"], "csrf-42");
      assert.equal(post.headers["x-xsrf-token"], XSRF, "the cookie's value, decoded");
      assert.deepEqual(JSON.parse(post.body), {
        post_id: 42,
        reply_to: 0,
        name: "Lan & Hà",
        text: `Ý kiến ${stamp}`,
        page: `${site.origin}/tin/duong-ven-song-may.html`,
      });
      // A reply: reply_to is the parent's integer id.
      const parent = (await snapshot(w)).find((c) => c.topLevel && c.body !== `Ý kiến ${stamp}`).id;
      await (await ownWait(w, parent, "button.comment-reply")).click();
      const reply = await ownWait(w, parent, "form.composer");
      await reply.locator("textarea.composer-body").fill(`Trả lời ${stamp}`);
      await reply.locator("button.composer-send").click();
      await until(async () => (await snapshot(w)).find((c) => c.body === `Trả lời ${stamp}` && c.parent === parent), "the reply");
      assert.equal(JSON.parse(api.requests.filter((r) => r.method === "POST").at(-1).body).reply_to, Number(parent));

      // The page's token changes (another tab signed out): the API refuses in plain text.
      await page.evaluate(() => document.querySelector('meta[name="csrf-token"]').setAttribute("content", "stale"));
      await form.locator("textarea.composer-body").fill(`Lần nữa ${stamp}`);
      await form.locator("button.composer-send").click();
      const error = form.locator(".composer-error p");
      await error.waitFor({ timeout: TIMEOUT });
      assert.equal((await error.textContent()).trim(), "Ý kiến chưa được chấp nhận. CSRF token mismatch: reload the page and try again.");
      assert.equal(api.requests.filter((r) => r.method === "POST").at(-1).headers["x-csrf-token"], "stale", "read when sent");
    } finally {
      await context.close();
    }
  });
});
