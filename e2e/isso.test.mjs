// End-to-end: the comment section against a real Isso 0.14 (PyPI isso==0.14.0),
// described only by adapters/isso.json. Isso runs on its own origin; the article
// page (e2e/servers/site.mjs) embeds the widget with a script tag, as a site would.
// Isso is installed by e2e/servers/isso.mjs (once, pinned) and seeded with 200
// comments through its own API; the suite is skipped, loudly, where Python or PyPI
// is not available.
//
// The reader's actions the adapter describes: Thích (one-way, as Isso has no
// unlike), editing and deleting one's own comment within Isso's window (Isso knows
// its author by the signed cookie it set on the post), and the listing page's
// counts (ykien-count.js with the adapter's `count`). No order but Isso's (a keyset
// on `created` pages no other) and no reports (Isso has none).
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { launch } from "./browser.mjs";
import { checkSiteDir, siteDirFromEnv, REPO_ROOT } from "./servers/paths.mjs";
import { startSite } from "./servers/site.mjs";
import { ensureIsso, startIsso, seedThread } from "./servers/isso.mjs";
import { assertTime, htmlText, listingCounts, listingUrl, assertListing, loadAll, loaded, openWidget, ownElement, ownWait, skipBanner, snapshot, until, TIMEOUT } from "./servers/widget-page.mjs";

const SITE_DIR = siteDirFromEnv();
const THREAD = "/tin/duong-ven-song-may.html";
const ADAPTER = "/adapters/isso.json";
const install = ensureIsso();
if (!install.ok) skipBanner("the Isso suite (e2e/isso.test.mjs)", install.reason);

const decode = (s) =>
  s === null ? null : s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&amp;/g, "&");

describe("Isso 0.14 through adapters/isso.json", { skip: install.ok ? false : install.reason }, () => {
  let browser, site, isso, seeded;
  before(async () => {
    checkSiteDir(SITE_DIR);
    site = await startSite({ siteDir: SITE_DIR });
    isso = await startIsso({ siteOrigin: site.origin });
    site.setApiOrigin(isso.api);
    const t0 = Date.now();
    seeded = await seedThread(isso, THREAD);
    console.log(`# seeded ${seeded.length} comments into Isso in ${Date.now() - t0} ms`);
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await isso?.stop();
    await site?.stop();
  });

  const page = (extra = {}) => site.page({ api: isso.api, thread: THREAD, adapter: ADAPTER, replies: "all", ...extra });
  const isList = (r) => r.method === "GET" && r.url.pathname === "/" && !r.url.searchParams.has("parent");

  test("all 200 comments shown, threaded as Isso keeps them, with authors, times and bodies; paged by `after`", async () => {
    const listing = await isso.all(THREAD);
    const expected = [];
    for (const top of listing.replies) {
      expected.push({ ...top, parent: null });
      for (const r of top.replies) expected.push(r);
    }
    assert.equal(expected.length, 200);
    const { context, problems, requests, w } = await openWidget(browser, page(), { apiOrigin: isso.api });
    try {
      await loaded(w, 200);
      const clicks = await loadAll(w);
      const shown = await snapshot(w);
      assert.equal(shown.length, 200, "every comment");
      assert.deepEqual(new Set(shown.map((c) => c.id)).size, 200, "no duplicates");
      const byId = new Map(shown.map((c) => [c.id, c]));
      for (const e of expected) {
        const c = byId.get(String(e.id));
        assert.ok(c, `comment ${e.id} shown`);
        assert.equal(c.parent, e.parent === null ? null : String(e.parent), `parent of ${e.id}`);
        assert.equal(c.topLevel, e.parent === null);
        assert.equal(c.author, decode(e.author) || "Khách", `author of ${e.id}: decoded once, never "&amp;"`);
        assert.equal(c.body, htmlText(e.text), `body of ${e.id}`);
        assertTime(c, e.created * 1000);
      }
      assert.ok(shown.some((c) => c.author === "Lê & <Hà>"));
      assert.deepEqual(shown.find((c) => c.body.startsWith("Ý kiến số 1:")).bold, ["minh bạch"], "Isso's HTML, sanitized");
      // Oldest first, 20 top-level comments a page, each page after the last one's time.
      const lists = requests.filter(isList);
      assert.equal(lists.length, 7);
      assert.equal(clicks, 6);
      assert.equal(lists[0].url.searchParams.get("after"), null);
      assert.equal(lists[0].url.searchParams.get("nested_limit"), "100");
      const tops = listing.replies;
      for (let i = 1; i < lists.length; i++) {
        assert.equal(Number(lists[i].url.searchParams.get("after")), tops[i * 20 - 1].created, `page ${i + 1} starts after comment ${i * 20}`);
      }
      assert.deepEqual(problems.warnings.filter((m) => m.includes("missing")), [], "no short-list warning");
      assert.deepEqual(problems.pageErrors, []);
      assert.deepEqual(problems.consoleErrors, []);
    } finally {
      await context.close();
    }
  });

  test("Isso without nested_limit drops replies: the widget names the likely cause", async () => {
    // The adapter an operator might write from the docs alone: offset paging.
    const naive = JSON.stringify({
      credentials: "include",
      order: "oldest",
      list: { url: "{api}/", query: { uri: "{thread}" }, items: "replies", paging: { type: "offset", param: "offset", size: 20, sizeParam: "limit" }, total: "total_replies", heldParam: null },
      comment: { id: "id", parent: "parent", author: "author", body: "text", created: "created", status: "mode", replies: "replies" },
      bodyFormat: "html", authorFormat: "escaped", timeFormat: "unix", statusMap: { 2: "pending", 4: "deleted" }, error: null,
    });
    const { context, problems, w } = await openWidget(browser, page({ adapter: naive }), { apiOrigin: isso.api });
    try {
      await loaded(w, 200);
      await loadAll(w);
      const shown = (await snapshot(w)).length;
      assert.ok(shown < 200, `Isso limits and offsets replies like top-level comments (${shown} shown)`);
      const warning = await until(() => problems.warnings.find((m) => m.includes("API's total says 200")), "the warning");
      assert.match(warning, new RegExp(`listed ${shown} comments .*\\(${200 - shown} missing\\)`));
      assert.match(warning, /nested_limit/);
    } finally {
      await context.close();
    }
  });

  test("cargo xtask adapter-check reads the thread as the widget does, reply pages included", async () => {
    const xtask = path.join(REPO_ROOT, "target/debug/xtask");
    const [cmd, pre] = fs.existsSync(xtask) ? [xtask, []] : ["cargo", ["run", "-q", "-p", "xtask", "--"]];
    const tops = (await isso.all(THREAD)).replies;
    const parent = tops.find((t) => t.replies.length >= 2);
    const r = spawnSync(cmd, [...pre, "adapter-check", "--api", isso.api, "--thread", THREAD, path.join(REPO_ROOT, "adapters/isso.json"), "--replies", String(parent.id)], {
      encoding: "utf8",
      cwd: REPO_ROOT,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^200 comments read; 0 problem\(s\)$/m);
    assert.equal((r.stdout.match(/^page \d+: GET /gm) ?? []).length, 7, "seven keyset pages");
    assert.match(r.stdout, /Lê & <Hà>/);
    const replies = r.stdout.split(`replies of ${parent.id} page 1:`)[1] ?? "";
    for (const reply of parent.replies) assert.match(replies, new RegExp(`#${reply.id} ↳ #${parent.id} `));
    // An adapter the widget refuses is an error.
    const bad = spawnSync(cmd, [...pre, "adapter-check", "--api", isso.api, "--thread", THREAD, '{"bodyFormat": "markdown"}'], { encoding: "utf8", cwd: REPO_ROOT });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /bodyFormat: expected "text", "html" or "escaped", got "markdown"/);
  });

  test("posting and replying: authors kept as typed, the page title sent, typed parent, there after reload", async () => {
    const stamp = randomUUID().slice(0, 8);
    const name = `Lê & <Hà> ${stamp}`;
    const text = `Ý kiến mới ${stamp}: cần **công khai** bản vẽ.`;
    const { context, page: p, problems, requests, w } = await openWidget(browser, page(), { apiOrigin: isso.api });
    try {
      await loaded(w, 200);
      const form = await ownWait(w, null, "form.composer");
      await form.locator("input.composer-name").fill(name);
      await form.locator("textarea.composer-body").fill(text);
      await form.locator("button.composer-send").click();
      const mine = await until(async () => (await snapshot(w)).find((c) => c.body?.includes(stamp)), "the new comment");
      assert.equal(mine.author, name);
      assert.deepEqual(mine.bold, ["công khai"]);
      const post = requests.find((r) => r.method === "POST");
      assert.equal(post.url.pathname, "/new");
      assert.equal(post.url.searchParams.get("uri"), THREAD);
      const sent = JSON.parse(post.body);
      assert.deepEqual({ ...sent }, { text, author: name, email: "", website: "", parent: null, title: await p.title() });
      // Isso keeps the author HTML-escaped; the widget shows it as typed.
      const stored = (await isso.all(THREAD)).replies.find((c) => String(c.id) === mine.id);
      assert.equal(stored.author, name.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"));

      // A reply to a reply: Isso stores it under the top-level comment.
      const target = (await snapshot(w)).find((c) => !c.topLevel);
      await (await ownWait(w, target.id, "button.comment-reply")).click();
      const replyForm = await ownWait(w, target.id, "form.composer");
      await replyForm.locator("textarea.composer-body").fill(`Trả lời ${stamp}`);
      await replyForm.locator("button.composer-send").click();
      const reply = await until(async () => (await snapshot(w)).find((c) => c.body === `Trả lời ${stamp}`), "the reply");
      const replyPost = requests.filter((r) => r.method === "POST")[1];
      assert.equal(JSON.parse(replyPost.body).parent, Number(target.id), "parent sent as Isso's integer id");
      assert.equal(reply.parent, target.parent, "shown where Isso put it: under the top-level comment");

      await p.reload();
      await loaded(w, 202);
      await loadAll(w);
      const after = await snapshot(w);
      assert.equal(after.find((c) => c.id === mine.id)?.author, name);
      assert.equal(after.find((c) => c.id === reply.id)?.parent, target.parent);
      assert.deepEqual(problems.pageErrors, []);
    } finally {
      await context.close();
    }
  });

  test("a new thread is created with the page's title", async () => {
    const thread = `/tin/bai-moi-${randomUUID().slice(0, 8)}.html`;
    const title = "Bài mới: chợ phiên cuối tuần – Báo Yên Hà";
    const { context, w } = await openWidget(browser, site.page({ api: isso.api, thread, adapter: ADAPTER, title }), { apiOrigin: isso.api });
    try {
      await w.host.locator(".comments-empty").waitFor({ timeout: TIMEOUT });
      const form = await ownWait(w, null, "form.composer");
      await form.locator("textarea.composer-body").fill("Ý kiến đầu tiên của bài.");
      await form.locator("button.composer-send").click();
      await until(async () => (await snapshot(w)).length === 1, "the first comment");
      const r = spawnSync(path.join(REPO_ROOT, "target/e2e-tools/isso-venv/bin/python"), [
        "-c", "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select title from threads where uri=?', (sys.argv[2],)).fetchone()[0])",
        isso.db, thread,
      ], { encoding: "utf8" });
      assert.equal(r.stdout.trim(), title);
    } finally {
      await context.close();
    }
  });

  test("Isso's 3-character minimum: the composer says it and waits; with the rule lifted Isso's own message shows", async () => {
    const { context, w } = await openWidget(browser, page(), { apiOrigin: isso.api });
    try {
      await loaded(w, /\d+/.source);
      const form = await ownWait(w, null, "form.composer");
      const send = form.locator("button.composer-send");
      await form.locator("textarea.composer-body").fill("ab");
      await form.locator(".composer-status").filter({ hasText: "Tối thiểu 3 ký tự." }).waitFor({ timeout: TIMEOUT });
      assert.match(await form.locator(".composer-counter").textContent(), /^2 \/ 65535 ký tự$/);
      assert.equal(await send.isDisabled(), true);
      await form.locator("textarea.composer-body").fill("abc");
      await until(async () => !(await send.isDisabled()), "send enabled at 3");
    } finally {
      await context.close();
    }
    // data-min-length="1" lifts the widget's rule: Isso answers with its HTML page.
    const lifted = await openWidget(browser, page({ minLength: "1", lang: "en" }), { apiOrigin: isso.api });
    try {
      await loaded(lifted.w, /\d+/.source, "Comments");
      const form = await ownWait(lifted.w, null, "form.composer");
      await form.locator("textarea.composer-body").fill("ab");
      await form.locator("button.composer-send").click();
      const error = form.locator(".composer-error");
      await error.waitFor({ timeout: TIMEOUT });
      assert.equal(
        (await error.locator("p").textContent()).trim(),
        "The comment was not accepted. Bad Request: text is too short (minimum length: 3)",
      );
      assert.equal(await form.locator("textarea.composer-body").inputValue(), "ab", "the text is kept");
    } finally {
      await lifted.context.close();
    }
  });

  test("email and website: optional, checked with a reason, sent as Isso wants them", async () => {
    const stamp = randomUUID().slice(0, 8);
    const { context, requests, w } = await openWidget(browser, page(), { apiOrigin: isso.api });
    try {
      await loaded(w, /\d+/.source);
      const form = await ownWait(w, null, "form.composer");
      await form.locator("input.composer-email").fill("lan@");
      await form.locator("textarea.composer-body").fill(`Có email ${stamp}`);
      await form.locator("button.composer-send").click();
      const reason = form.locator(".composer-field-error");
      await reason.filter({ hasText: "Email chưa đúng" }).waitFor({ timeout: TIMEOUT });
      assert.equal(await form.locator("input.composer-email").getAttribute("aria-invalid"), "true");
      assert.equal(requests.filter((r) => r.method === "POST").length, 0, "nothing sent");
      await form.locator("input.composer-email").fill("lan@baoyenha.vn");
      await form.locator("input.composer-website").fill("baoyenha.vn/lan");
      await form.locator("button.composer-send").click();
      await until(async () => (await snapshot(w)).find((c) => c.body === `Có email ${stamp}`), "sent");
      const sent = JSON.parse(requests.find((r) => r.method === "POST").body);
      assert.equal(sent.email, "lan@baoyenha.vn");
      assert.equal(sent.website, "https://baoyenha.vn/lan");
    } finally {
      await context.close();
    }
  });

  test("moderation on: held and shown to its author as awaiting approval, then approved", async () => {
    const moderated = await startIsso({ siteOrigin: site.origin, moderation: true });
    try {
      site.setApiOrigin(moderated.api);
      const thread = "/tin/kiem-duyet.html";
      await moderated.post(thread, { text: "Ý kiến đã có từ trước." });
      moderated.approve(1);
      const url = site.page({ api: moderated.api, thread, adapter: ADAPTER });
      const { context, page: p, w } = await openWidget(browser, url, { apiOrigin: moderated.api });
      try {
        await loaded(w, 1);
        const text = `Chờ duyệt ${randomUUID().slice(0, 8)}`;
        const form = await ownWait(w, null, "form.composer");
        await form.locator("textarea.composer-body").fill(text);
        await form.locator("button.composer-send").click();
        const held = await until(async () => (await snapshot(w)).find((c) => c.body === text), "the held comment");
        assert.equal(held.pending, true);
        await form.locator(".composer-status").filter({ hasText: "sau khi được duyệt" }).waitFor({ timeout: TIMEOUT });
        assert.equal((await moderated.all(thread)).replies.length, 1, "Isso does not list it yet");
        await p.reload();
        await until(async () => (await snapshot(w)).find((c) => c.body === text && c.pending), "still held after reload");
        moderated.approve(Number(held.id));
        await p.reload();
        await loaded(w, 2);
        const approved = await until(async () => (await snapshot(w)).find((c) => c.body === text), "approved");
        assert.equal(approved.pending, false);
      } finally {
        await context.close();
      }
    } finally {
      site.setApiOrigin(isso.api);
      await moderated.stop();
    }
  });
  /// The comment `id` as Isso lists it for `thread` (replies included).
  const stored = async (thread, id) =>
    (await isso.all(thread)).replies.flatMap((t) => [t, ...t.replies]).find((c) => String(c.id) === String(id));

  test("Thích: at once on screen, counted by Isso; one-way, so it stays pressed; no orders, no Vi phạm", async () => {
    const thread = "/tin/thich.html";
    // Posted from other readers' addresses: Isso takes no vote from a comment's author.
    const liked = await isso.post(thread, { text: "Bài viết rất hữu ích", author: "An", from: "10.1.1.1" });
    const popular = await isso.post(thread, { text: "Cần thêm số liệu", author: "Bình", from: "10.2.2.2" });
    await isso.like(popular.id, "10.3.3.3");
    await isso.like(popular.id, "10.4.4.4");
    const { context, page: p, problems, requests, w } = await openWidget(browser, page({ thread }), { apiOrigin: isso.api });
    try {
      await loaded(w, 2);
      const like = await ownWait(w, liked.id, "button.comment-like");
      const count = like.locator(".comment-like-count");
      assert.equal((await like.textContent()).trim(), "Thích");
      assert.equal(await like.getAttribute("aria-pressed"), "false");
      assert.equal(await count.count(), 0, "no count for 0");
      assert.equal(await (await ownElement(w, popular.id, ".comment-like-count")).textContent(), "2", "Isso's likes, as listed");
      const answered = p.waitForEvent("requestfinished", (r) => r.method() === "POST");
      await like.click();
      assert.equal(await like.getAttribute("aria-pressed"), "true", "pressed at once");
      await until(async () => (await count.textContent().catch(() => "")) === "1", "the count 1");
      const sent = await until(() => requests.find((r) => r.method === "POST"), "the like request");
      assert.equal(sent.url.pathname, `/id/${liked.id}/like`);
      assert.equal(sent.body, "{}");
      assert.match(sent.headers["content-type"], /^application\/json/, "a content type Isso's CSRF check takes");
      await until(async () => (await stored(thread, liked.id))?.likes === 1, "Isso: 1 like");
      await answered;
      // One-way: pressed, inert, with a reason; a second press sends nothing.
      assert.equal(await like.getAttribute("aria-disabled"), "true");
      assert.equal(await like.getAttribute("title"), "Bạn đã thích ý kiến này");
      await like.click({ force: true });
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(requests.filter((r) => r.method !== "GET").length, 1, "no second request");
      assert.equal(await like.getAttribute("aria-pressed"), "true");

      await p.reload();
      await loaded(w, 2);
      await until(async () => (await like.getAttribute("aria-pressed")) === "true", "remembered on this device");
      assert.equal(await count.textContent(), "1", "Isso's count, from its list");

      assert.equal(await w.host.locator(".comments-sort").count(), 0, "no sort control: Isso's one order");
      assert.equal(await w.host.locator("button.comment-report").count(), 0, "no Vi phạm");
      assert.equal(await w.host.locator("button.comment-edit, button.comment-delete").count(), 0, "others' comments: no Sửa, no Xóa");
      assert.deepEqual(problems.pageErrors, []);
      assert.deepEqual(problems.consoleErrors, []);
    } finally {
      await context.close();
    }
  });

  test("one's own comment: Sửa changes it in Isso, Xóa removes it; with a reply it stays as deleted; nobody else may", async () => {
    const thread = "/tin/sua-xoa.html";
    const other = await isso.post(thread, { text: "Ý kiến của người khác", author: "Hà", from: "10.5.5.5" });
    const { context, page: p, problems, requests, w } = await openWidget(browser, page({ thread }), { apiOrigin: isso.api });
    try {
      await loaded(w, 1);
      const form = await ownWait(w, null, "form.composer");
      const write = async (text) => {
        await form.locator("textarea.composer-body").fill(text);
        await form.locator("button.composer-send").click();
        return until(async () => (await snapshot(w)).find((c) => c.body === text), `"${text}" shown`);
      };
      const mine = await write("Viết sai chính tả");
      assert.ok(await ownWait(w, mine.id, "button.comment-edit"), "Sửa on one's own");
      assert.ok(await ownElement(w, mine.id, "button.comment-delete"), "Xóa on one's own");
      assert.equal(await ownElement(w, other.id, "button.comment-edit"), null, "no Sửa on another reader's");
      assert.equal(await ownElement(w, other.id, "button.comment-delete"), null, "no Xóa on another reader's");
      assert.equal(await ownElement(w, mine.id, "button.comment-report"), null);

      // Sửa: Isso's PUT, with the cookie Isso set on the post.
      await (await ownElement(w, mine.id, "button.comment-edit")).click();
      const box = await ownWait(w, mine.id, "form.comment-edit-form textarea");
      // Isso lists only its rendered HTML, not the text as written: the box starts
      // from the text of that HTML.
      assert.equal(await box.inputValue(), "Viết sai chính tả");
      await box.fill("Viết **đúng** chính tả");
      await (await ownElement(w, mine.id, "button.comment-edit-save")).click();
      const fixed = await until(async () => (await snapshot(w)).find((c) => c.id === mine.id && c.body === "Viết đúng chính tả"), "the edited comment");
      assert.deepEqual(fixed.bold, ["đúng"], "Isso's rendering of the new text");
      assert.equal(await (await ownWait(w, mine.id, ".comment-edited")).textContent(), "Đã sửa", "Isso's `modified`");
      const put = requests.find((r) => r.method === "PUT");
      assert.equal(put.url.pathname, `/id/${mine.id}`);
      assert.deepEqual(JSON.parse(put.body), { text: "Viết **đúng** chính tả" });
      const cookies = await context.cookies(isso.api);
      assert.ok(cookies.some((c) => c.name === mine.id), "the cookie Isso set with the post (the accepted PUT carried it)");
      assert.equal(htmlText((await stored(thread, mine.id)).text), "Viết đúng chính tả", "stored in Isso");

      // Another reader (a browser without the cookie) sees no Sửa or Xóa.
      const elsewhere = await openWidget(browser, page({ thread }), { apiOrigin: isso.api });
      try {
        await loaded(elsewhere.w, 2);
        assert.equal(await elsewhere.w.host.locator("button.comment-edit, button.comment-delete").count(), 0);
      } finally {
        await elsewhere.context.close();
      }

      // Xóa, after the edit (Isso's cookie now signs the new text): gone, in Isso too.
      await (await ownElement(w, mine.id, "button.comment-delete")).click();
      await (await ownWait(w, mine.id, "button.comment-delete-yes")).click();
      await until(async () => !(await snapshot(w)).some((c) => c.id === mine.id), "gone");
      await w.host.locator(".comments-notice").filter({ hasText: "Đã xóa ý kiến" }).waitFor({ timeout: TIMEOUT });
      assert.equal((await w.title.textContent()).trim(), "Ý kiến (1)");
      const del = requests.find((r) => r.method === "DELETE");
      assert.equal(del.url.pathname, `/id/${mine.id}`);
      assert.equal(await stored(thread, mine.id), undefined, "Isso no longer has it");

      // With a reply below it, Isso keeps it as mode 4: "Bình luận đã bị xóa" above the
      // reply. (Isso may give this one the id just deleted: SQLite reuses the highest
      // rowid; the widget shows the new body, not the one it had under that id.)
      const parent = await write("Sẽ có người trả lời");
      await isso.post(thread, { text: "Tôi trả lời đây", author: "Hà", parent: Number(parent.id), from: "10.5.5.5" });
      await p.reload();
      await loaded(w, 3);
      await (await ownWait(w, parent.id, "button.comment-delete")).click();
      await (await ownWait(w, parent.id, "button.comment-delete-yes")).click();
      const placeholder = await until(async () => (await snapshot(w)).find((c) => c.id === parent.id && c.deleted), "the placeholder");
      assert.equal(placeholder.author, null);
      assert.equal(await (await ownElement(w, parent.id, ".comment-deleted")).textContent(), "Bình luận đã bị xóa");
      assert.ok((await snapshot(w)).some((c) => c.parent === parent.id && c.body === "Tôi trả lời đây"), "the reply keeps its place");
      const kept = await stored(thread, parent.id);
      assert.equal(kept.mode, 4, "Isso: deleted, kept for its reply");
      assert.equal(htmlText(kept.text), "", "its text gone");
      await p.reload();
      await loaded(w, /\d+/.source);
      await until(async () => (await snapshot(w)).find((c) => c.id === parent.id)?.deleted, "still deleted after a reload");
      assert.deepEqual(problems.pageErrors, []);
    } finally {
      await context.close();
    }
  });

  test("the listing page: ykien-count.js with the adapter's `count` fills every count from one request, as Isso counts", async () => {
    const odd = "/tin/bài viết?số=1&trang=2.html";
    await isso.post(odd, { text: "Một ý kiến ở bài có tên lạ" });
    const threads = [THREAD, "/tin/thich.html", "/tin/sua-xoa.html", "/tin/chua-co-y-kien.html", odd];
    const url = listingUrl(site, isso.api, "isso.json", threads);
    const { context, page: p, problems, requests } = await openWidget(browser, url, { apiOrigin: isso.api });
    try {
      const shown = await listingCounts(p);
      // What Isso lists as published (a deleted comment kept for its replies is not counted).
      const expected = {};
      for (const t of threads) {
        const res = await fetch(`${isso.api}/?uri=${encodeURIComponent(t)}&nested_limit=100000`);
        const tops = res.status === 404 ? [] : (await res.json()).replies;
        expected[t] = tops.flatMap((c) => [c, ...c.replies]).filter((c) => c.mode === 1).length;
      }
      assert.ok(expected[THREAD] >= 200, "the seeded thread");
      assert.equal(expected["/tin/chua-co-y-kien.html"], 0);
      assert.equal(expected[odd], 1);
      assertListing(shown, threads, expected, problems);
      assert.equal(requests.length, 1, "one request for the page");
      const [r] = requests;
      assert.equal(r.method, "POST");
      assert.equal(r.url.pathname, "/count");
      assert.deepEqual(JSON.parse(r.body), threads, "the JSON array of uris Isso counts, in the page's order");
    } finally {
      await context.close();
    }
  });
});
