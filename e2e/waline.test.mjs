// End-to-end: the comment section against a real Waline server (npm
// @waline/vercel 1.39.3) on its PostgreSQL storage, described only by
// adapters/waline.json. Waline runs on its own origin; the article page
// (e2e/servers/site.mjs) embeds the widget with a script tag, or with
// ykien.mount() and a headers function for a signed-in reader. Waline and a
// throwaway PostgreSQL cluster are installed and started by e2e/servers/waline.mjs
// (pinned; skipped, loudly, where that cannot be done), and seeded with 200
// comments through Waline's own API.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { launch } from "./browser.mjs";
import { checkSiteDir, siteDirFromEnv } from "./servers/paths.mjs";
import { startSite } from "./servers/site.mjs";
import { ensureWaline, startWaline, seedThread } from "./servers/waline.mjs";
import { assertTime, htmlText, loadAll, loaded, openWidget, ownWait, skipBanner, snapshot, until, TIMEOUT } from "./servers/widget-page.mjs";

const SITE_DIR = siteDirFromEnv();
const THREAD = "/tin/duong-ven-song-may.html";
const ADAPTER = "/adapters/waline.json";
const install = ensureWaline();
if (!install.ok) skipBanner("the Waline suite (e2e/waline.test.mjs)", install.reason);

describe("Waline 1.39.3 (PostgreSQL) through adapters/waline.json", { skip: install.ok ? false : install.reason }, () => {
  let browser, site, waline;
  before(async () => {
    checkSiteDir(SITE_DIR);
    site = await startSite({ siteDir: SITE_DIR });
    waline = await startWaline({ bin: install.bin, oauthUrl: `${site.origin}/oauth-services` });
    site.setApiOrigin(waline.api);
    const t0 = Date.now();
    const made = await seedThread(waline, THREAD);
    console.log(`# seeded ${made.length} comments into Waline in ${Date.now() - t0} ms`);
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await waline?.stop();
    await site?.stop();
  });

  const page = (extra = {}) => site.page({ api: waline.api, thread: THREAD, adapter: ADAPTER, replies: "all", ...extra });

  test("all 200 comments shown, each reply under the one it answers, with authors, times and bodies; paged", async () => {
    const listing = await waline.all(THREAD);
    assert.equal(listing.count, 200);
    const expected = [];
    for (const top of listing.data) {
      expected.push({ ...top, pid: null });
      for (const c of top.children) expected.push(c);
    }
    assert.equal(expected.length, 200);
    const { context, problems, requests, w } = await openWidget(browser, page({ depth: "3" }), { apiOrigin: waline.api });
    try {
      await loaded(w, 200);
      const clicks = await loadAll(w);
      const shown = await snapshot(w);
      assert.equal(shown.length, 200);
      assert.equal(new Set(shown.map((c) => c.id)).size, 200);
      const byId = new Map(shown.map((c) => [c.id, c]));
      const parentOf = new Map(expected.map((e) => [String(e.objectId), e.pid === null ? null : String(e.pid)]));
      for (const e of expected) {
        const c = byId.get(String(e.objectId));
        assert.ok(c, `comment ${e.objectId} shown`);
        // At data-depth 3, a reply to a reply to a reply is shown on level 3.
        const chain = [];
        for (let p = parentOf.get(String(e.objectId)); p !== null; p = parentOf.get(p)) chain.push(p);
        const expectedParent = chain.length === 0 ? null : chain.length <= 2 ? chain[0] : chain[chain.length - 2];
        assert.equal(c.parent, expectedParent, `comment ${e.objectId} (answers ${e.pid})`);
        assert.equal(c.author, e.nick, `author of ${e.objectId}`);
        assert.equal(c.body, htmlText(e.comment), `body of ${e.objectId}`);
        assertTime(c, e.time);
      }
      assert.ok(shown.some((c) => c.author === "Lê & <Hà>"), "Waline keeps names as typed");
      // Newest first, 20 top-level comments a page: 120 → 6 pages.
      const pages = requests.filter((r) => r.method === "GET").map((r) => r.url.searchParams.get("page"));
      assert.deepEqual(pages, ["1", "2", "3", "4", "5", "6"]);
      assert.equal(clicks, 5);
      assert.deepEqual(problems.warnings.filter((m) => m.includes("missing")), []);
      assert.deepEqual(problems.pageErrors, []);
      assert.deepEqual(problems.consoleErrors, []);
    } finally {
      await context.close();
    }
  });

  test("posting and replying to a reply: pid is the comment answered, rid its root; there after reload", async () => {
    const stamp = randomUUID().slice(0, 8);
    const { context, page: p, requests, w } = await openWidget(browser, page({ depth: "3" }), { apiOrigin: waline.api });
    try {
      await loaded(w, 200);
      const form = await ownWait(w, null, "form.composer");
      await form.locator("input.composer-name").fill("Trần Kiểm Thử");
      await form.locator("input.composer-email").fill("kiemthu@baoyenha.vn");
      await form.locator("textarea.composer-body").fill(`Bình luận ${stamp} có **chữ đậm**`);
      await form.locator("button.composer-send").click();
      const mine = await until(async () => (await snapshot(w)).find((c) => c.body?.includes(stamp)), "the new comment");
      assert.ok(mine.topLevel);
      assert.deepEqual(mine.bold, ["chữ đậm"]);
      const top = JSON.parse(requests.find((r) => r.method === "POST").body);
      assert.deepEqual(Object.keys(top).sort(), ["comment", "link", "mail", "nick", "ua", "url"], "no pid/rid for a top-level comment");
      assert.equal(top.mail, "kiemthu@baoyenha.vn");
      assert.equal(top.url, THREAD);

      // Answer a reply that is itself a reply (level 3).
      const listing = await waline.all(THREAD);
      const deep = listing.data.flatMap((t) => t.children.map((c) => ({ ...c, root: t.objectId }))).find((c) => c.pid !== c.root);
      await (await ownWait(w, deep.objectId, "button.comment-reply")).click();
      const replyForm = await ownWait(w, deep.objectId, "form.composer");
      await replyForm.locator("textarea.composer-body").fill(`Trả lời sâu ${stamp}`);
      await replyForm.locator("button.composer-send").click();
      const reply = await until(async () => (await snapshot(w)).find((c) => c.body === `Trả lời sâu ${stamp}`), "the reply");
      const sent = JSON.parse(requests.filter((r) => r.method === "POST")[1].body);
      assert.equal(sent.pid, deep.objectId, "pid: the comment answered, as Waline's integer");
      assert.equal(sent.rid, deep.root, "rid: its top-level comment");
      const stored = (await waline.all(THREAD)).data.find((t) => t.objectId === deep.root).children.find((c) => String(c.objectId) === reply.id);
      assert.equal(stored.pid, deep.objectId);

      await p.reload();
      await loaded(w, 202);
      await loadAll(w);
      assert.ok((await snapshot(w)).some((c) => c.id === reply.id && c.body === `Trả lời sâu ${stamp}`));
    } finally {
      await context.close();
    }
  });

  test("Waline's own refusals (inside HTTP 200) are shown in its words", async () => {
    const text = `Trùng lặp ${randomUUID().slice(0, 8)}`;
    await waline.post(THREAD, { comment: text, nick: "Lan" });
    const { context, w } = await openWidget(browser, page(), { apiOrigin: waline.api });
    try {
      await loaded(w, /\d+/.source);
      const form = await ownWait(w, null, "form.composer");
      await form.locator("input.composer-name").fill("Lan");
      await form.locator("textarea.composer-body").fill(text);
      await form.locator("button.composer-send").click();
      const error = form.locator(".composer-error p");
      await error.waitFor({ timeout: TIMEOUT });
      assert.equal((await error.textContent()).trim(), "Ý kiến chưa được chấp nhận. Nội dung trùng lặp đã được gửi");
      assert.equal(await form.locator("textarea.composer-body").inputValue(), text, "the text is kept");
    } finally {
      await context.close();
    }
  });

  test("moderation on (COMMENT_AUDIT): held and shown to its author, then approved", async () => {
    const moderated = await startWaline({ bin: install.bin, oauthUrl: `${site.origin}/oauth-services`, audit: true });
    try {
      site.setApiOrigin(moderated.api);
      const thread = "/tin/kiem-duyet.html";
      const first = await moderated.post(thread, { comment: "Ý kiến đã duyệt từ trước.", nick: "An" });
      moderated.approve(first.objectId);
      const { context, page: p, w } = await openWidget(browser, site.page({ api: moderated.api, thread, adapter: ADAPTER, replies: "all" }), { apiOrigin: moderated.api });
      try {
        await loaded(w, 1);
        const text = `Chờ duyệt ${randomUUID().slice(0, 8)}`;
        const form = await ownWait(w, null, "form.composer");
        await form.locator("textarea.composer-body").fill(text);
        await form.locator("button.composer-send").click();
        const held = await until(async () => (await snapshot(w)).find((c) => c.body === text), "held");
        assert.equal(held.pending, true);
        assert.equal((await moderated.all(thread)).count, 1, "not listed for the public");
        await p.reload();
        await until(async () => (await snapshot(w)).find((c) => c.body === text && c.pending), "still held after reload");
        moderated.approve(held.id);
        await p.reload();
        await loaded(w, 2);
        const approved = await until(async () => (await snapshot(w)).find((c) => c.body === text), "approved");
        assert.equal(approved.pending, false);
      } finally {
        await context.close();
      }
    } finally {
      site.setApiOrigin(waline.api);
      await moderated.stop();
    }
  });

  test("a signed-in reader: ykien.mount() with a headers function sends a fresh bearer token on every request", async () => {
    // Waline's first registered user; its token from Waline's own sign-in.
    const email = `ban-doc-${randomUUID().slice(0, 6)}@baoyenha.vn`;
    const reg = await fetch(`${waline.api}/api/user?lang=vi-VN`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ display_name: "Bạn Đọc Đăng Nhập", email, password: "mat-khau-dai-12345", url: "" }),
    }).then((r) => r.json());
    assert.equal(reg.errno, 0, JSON.stringify(reg));
    const token = await fetch(`${waline.api}/api/token?lang=vi-VN`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email, password: "mat-khau-dai-12345" }),
    }).then((r) => r.json());
    assert.equal(token.errno, 0, JSON.stringify(token));
    const { context, page: p, requests, w } = await openWidget(browser, page({ mode: "mount", token: token.data.token }), { apiOrigin: waline.api });
    try {
      await loaded(w, /\d+/.source);
      const form = await ownWait(w, null, "form.composer");
      const text = `Đã đăng nhập ${randomUUID().slice(0, 8)}`;
      await form.locator("textarea.composer-body").fill(text);
      await form.locator("button.composer-send").click();
      const mine = await until(async () => (await snapshot(w)).find((c) => c.body === text), "the signed-in comment");
      assert.equal(mine.author, "Bạn Đọc Đăng Nhập", "Waline names the signed-in user");
      const post = requests.find((r) => r.method === "POST");
      assert.equal(post.headers.authorization, `Bearer ${token.data.token}`);
      assert.ok(requests.filter((r) => r.method === "GET").every((r) => r.headers.authorization === `Bearer ${token.data.token}`));
      const calls = await p.evaluate(() => window.__headerCalls);
      assert.ok(calls.some((c) => c.startsWith("POST ")) && calls.some((c) => c.startsWith("GET ")), JSON.stringify(calls));
    } finally {
      await context.close();
    }
  });
});
