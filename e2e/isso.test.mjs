// End-to-end: the comment section against a real Isso 0.14 (PyPI isso==0.14.0),
// described only by adapters/isso.json. Isso runs on its own origin; the article
// page (e2e/servers/site.mjs) embeds the widget with a script tag, as a site would.
// Isso is installed by e2e/servers/isso.mjs (once, pinned) and seeded with 200
// comments through its own API; the suite is skipped, loudly, where Python or PyPI
// is not available.
//
// Not here yet: likes, editing and deleting within Isso's window (the widget gains
// them with the reader-interactions work).
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
import { assertTime, htmlText, loadAll, loaded, openWidget, ownWait, skipBanner, snapshot, until, TIMEOUT } from "./servers/widget-page.mjs";

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
});
