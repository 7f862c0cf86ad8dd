// End-to-end: what a reader does to comments besides answering them — Thích,
// "Quan tâm nhất", collapsed replies, Vi phạm, links to a comment, editing and
// deleting their own — on the demo page against a reference server this file starts
// itself (its own database), each test on its own thread.
//
// Asserted on what the reader sees (text, pressed states, focus) and on what the API
// receives (method, URL, body) and then stores.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch } from "./browser.mjs";
import { freePort, startReference } from "./servers/reference.mjs";
import { rewriteScriptTag } from "./servers/host-pages.mjs";

const SERVER_BIN = process.env.YKIEN_SERVER_BIN;
const SITE_DIR = process.env.YKIEN_SITE_DIR;
const TIMEOUT = 15_000;

let browser;
let dataDir;
let server;

before(async () => {
  assert.ok(SERVER_BIN && SITE_DIR, "run through `cargo xtask test` (YKIEN_SERVER_BIN, YKIEN_SITE_DIR)");
  dataDir = mkdtempSync(join(tmpdir(), "ykien-e2e-actions-"));
  server = await startReference({
    serverBin: SERVER_BIN,
    siteDir: SITE_DIR,
    dataDir,
    port: await freePort(),
    extraArgs: ["--like-rate-limit-per-minute", "0", "--report-rate-limit-per-minute", "0"],
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop().catch(() => {});
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const api = (path) => `${server.base}/api/v1${path}`;

async function post(thread, body, { parent = null, author = "Lan" } = {}) {
  const r = await fetch(api(`/threads/${encodeURIComponent(thread)}/comments`), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ author, body, parent_id: parent }),
  });
  assert.ok(r.ok, `seeding ${body}: HTTP ${r.status}`);
  return (await r.json()).comment;
}

async function likeAs(thread, id, device) {
  const r = await fetch(api(`/threads/${thread}/comments/${id}/likes`), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ device }),
  });
  assert.ok(r.ok, `like: HTTP ${r.status}`);
}

async function stored(thread) {
  const r = await fetch(api(`/threads/${thread}/comments?limit=100`));
  return (await r.json()).comments;
}

/// Opens the demo page with the comment section on `thread` (loaded at once),
/// recording page errors, CSP violations and the API requests.
async function open(thread, { attrs = {}, hash = "", context: given } = {}) {
  const context = given ?? (await browser.newContext());
  await context.route(`${server.base}/`, async (route) => {
    const res = await route.fetch();
    const headers = { ...res.headers() };
    delete headers["content-length"];
    delete headers["content-encoding"];
    delete headers["etag"];
    const body = rewriteScriptTag(await res.text(), { "data-thread": thread, "data-load": "eager", ...attrs });
    await route.fulfill({ status: 200, headers, body });
  });
  const page = await context.newPage();
  const problems = { pageErrors: [], csp: [] };
  page.on("pageerror", (e) => problems.pageErrors.push(String(e)));
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const requests = [];
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith("/api/")) requests.push({ method: r.method(), url: u, body: r.postData(), headers: r.headers() });
  });
  await page.goto(`${server.base}/${hash}`);
  const host = page.locator("ykien-comments");
  await host.locator('section.comments:not([aria-busy="true"])').waitFor({ timeout: TIMEOUT });
  const item = (text) => host.locator("li.comment", { has: page.locator(".comment-body", { hasText: text }) }).first();
  return { context, page, host, problems, requests, item };
}

async function clean(problems, page) {
  assert.deepEqual(problems.pageErrors, [], "no page errors");
  assert.deepEqual(await page.evaluate(() => window.__csp), [], "no CSP violations");
}

async function until(fn, what, timeout = TIMEOUT) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/// The element focused inside the widget's shadow root: its class and its item's id.
const focused = (page) =>
  page.evaluate(() => {
    const root = document.querySelector("ykien-comments")?.shadowRoot;
    const el = root?.activeElement;
    return el ? { cls: el.className, text: el.textContent.trim(), item: el.closest("li.comment")?.dataset.id ?? null } : null;
  });

test("Thích: at once on screen, one like per device at the API, kept after a reload, taken back", async () => {
  const thread = "acts-like";
  const a = await post(thread, "Bài viết rất hữu ích");
  await post(thread, "Cần thêm số liệu");
  const { context, page, host, problems, requests, item } = await open(thread);
  const like = item("Bài viết rất hữu ích").locator("button.comment-like");
  assert.equal(await like.getAttribute("aria-pressed"), "false");
  assert.equal((await like.textContent()).trim(), "Thích");
  await like.click();
  // Optimistic: pressed with a count before the server answers.
  assert.equal(await like.getAttribute("aria-pressed"), "true");
  await until(async () => (await like.locator(".comment-like-count").textContent().catch(() => "")) === "1", "the count 1");
  const sent = await until(() => requests.find((r) => r.method === "POST" && r.url.pathname.endsWith(`/comments/${a.id}/likes`)), "the like request");
  const device = JSON.parse(sent.body).device;
  assert.match(device, /^[A-Za-z0-9]{16,64}$/, "a device token");
  await until(async () => (await stored(thread)).find((c) => c.id === a.id)?.likes === 1, "stored: 1 like");
  assert.deepEqual(await focused(page).then((f) => f?.cls), "comment-like", "focus stays on Thích");

  await page.reload();
  await host.locator('section.comments:not([aria-busy="true"])').waitFor({ timeout: TIMEOUT });
  assert.equal(await like.getAttribute("aria-pressed"), "true", "remembered on this device");
  assert.equal(await like.locator(".comment-like-count").textContent(), "1", "the API's count");

  await like.click();
  await until(async () => (await like.getAttribute("aria-pressed")) === "false", "not pressed");
  const unlike = await until(() => requests.find((r) => r.method === "DELETE" && r.url.pathname.endsWith(`/comments/${a.id}/likes`)), "the unlike request");
  assert.equal(JSON.parse(unlike.body).device, device, "the same device");
  await until(async () => (await stored(thread)).find((c) => c.id === a.id)?.likes === 0, "stored: 0 likes");
  assert.equal(await like.locator(".comment-like-count").count(), 0, "no count shown for 0");
  await clean(problems, page);
  await context.close();
});

test("Thích that the API refuses: rolled back, with a message; the list and the composer stay usable", async () => {
  const thread = "acts-like-fail";
  await post(thread, "Sẽ không thích được");
  const context = await browser.newContext();
  await context.route(/\/likes$/, (route) =>
    route.fulfill({ status: 503, contentType: "application/json", body: JSON.stringify({ error: { code: "unavailable", message: "Bảo trì" } }) }),
  );
  const { page, host, problems, item } = await open(thread, { context });
  const like = item("Sẽ không thích được").locator("button.comment-like");
  await like.click();
  const notice = host.locator(".comments-notice");
  await until(async () => (await notice.textContent()).includes("Chưa thích được ý kiến này"), "the failure message");
  assert.equal(await like.getAttribute("aria-pressed"), "false", "rolled back");
  assert.equal(await like.locator(".comment-like-count").count(), 0, "no count");
  assert.equal(await notice.getAttribute("role"), "status");
  await host.locator("textarea.composer-body").first().fill("Vẫn gõ được");
  assert.equal(await host.locator(".composer-counter").first().textContent(), "11 / 500 ký tự");
  await clean(problems, page);
  await context.close();
});

test("Quan tâm nhất: the order at the API, focus kept, the draft kept, remembered for the site", async () => {
  const thread = "acts-sort";
  const first = await post(thread, "Ý kiến thứ nhất");
  const second = await post(thread, "Ý kiến thứ hai");
  await post(thread, "Ý kiến thứ ba");
  for (const d of ["device00000000001", "device00000000002"]) await likeAs(thread, first.id, d);
  await likeAs(thread, second.id, "device00000000003");
  const { context, page, host, problems, requests } = await open(thread);
  // textContent: items off screen skip rendering (content-visibility), innerText is empty there.
  const bodies = () => host.locator("ol.comment-list > li.comment > .comment-body").allTextContents();
  assert.deepEqual(await bodies(), ["Ý kiến thứ ba", "Ý kiến thứ hai", "Ý kiến thứ nhất"], "newest first by default");
  const options = host.locator("button.comments-sort-option");
  assert.deepEqual(await options.allInnerTexts(), ["Quan tâm nhất", "Mới nhất", "Cũ nhất"]);
  assert.equal(await host.locator(".comments-sort").getAttribute("role"), "group");
  assert.equal(await options.nth(1).getAttribute("aria-pressed"), "true");
  const draft = "Nháp đang viết dở";
  await host.locator("textarea.composer-body").first().fill(draft);

  await options.nth(0).focus();
  await page.keyboard.press("Enter");
  await until(async () => (await bodies())[0] === "Ý kiến thứ nhất", "most liked first");
  assert.deepEqual(await bodies(), ["Ý kiến thứ nhất", "Ý kiến thứ hai", "Ý kiến thứ ba"]);
  assert.ok(requests.some((r) => r.url.searchParams.get("sort") === "top"), "asked the API for sort=top");
  assert.equal(await options.nth(0).getAttribute("aria-pressed"), "true");
  assert.equal((await focused(page))?.text, "Quan tâm nhất", "focus stays on the chosen order");
  assert.equal(await host.locator("textarea.composer-body").first().inputValue(), draft, "the draft is kept");

  await options.nth(2).click();
  await until(async () => (await bodies())[0] === "Ý kiến thứ nhất" && (await bodies())[2] === "Ý kiến thứ ba", "oldest first");
  assert.ok(requests.some((r) => r.url.searchParams.get("sort") === "oldest"));

  await options.nth(0).click();
  await until(async () => (await options.nth(0).getAttribute("aria-pressed")) === "true", "top pressed");
  await page.reload();
  await host.locator('section.comments:not([aria-busy="true"])').waitFor({ timeout: TIMEOUT });
  assert.equal(await options.nth(0).getAttribute("aria-pressed"), "true", "remembered");
  assert.equal((await bodies())[0], "Ý kiến thứ nhất");
  await clean(problems, page);
  await context.close();
});

test("Xem N trả lời: replies beyond data-replies collapsed, loaded from the replies request, keyboard-operable", async () => {
  const thread = "acts-replies";
  const root = await post(thread, "Gốc có nhiều trả lời");
  for (let i = 1; i <= 5; i++) await post(thread, `Trả lời số ${i}`, { parent: root.id });
  await post(thread, "Gốc khác");
  const { context, page, host, problems, requests, item } = await open(thread);
  const rootItem = item("Gốc có nhiều trả lời");
  const replies = rootItem.locator("ol.comment-replies li.comment .comment-body");
  assert.deepEqual(await replies.allTextContents(), ["Trả lời số 1", "Trả lời số 2", "Trả lời số 3"], "the first three");
  const first = requests.find((r) => r.url.pathname.endsWith(`/threads/${thread}/comments`));
  assert.equal(first.url.searchParams.get("replies"), "3", "the list asks for three replies per comment");
  const toggle = rootItem.locator("button.comment-replies-toggle");
  assert.equal((await toggle.textContent()).trim(), "Xem 2 trả lời");
  assert.equal(await toggle.getAttribute("aria-expanded"), "false");
  assert.equal(await host.locator("button.comment-replies-toggle").count(), 1, "only where replies are hidden");

  await toggle.focus();
  await page.keyboard.press("Enter");
  await until(async () => (await replies.count()) === 5, "all five replies");
  assert.ok(requests.some((r) => r.url.pathname.endsWith(`/comments/${root.id}/replies`)), "the replies request");
  assert.deepEqual(await replies.allTextContents(), [1, 2, 3, 4, 5].map((i) => `Trả lời số ${i}`), "in order, no duplicates");
  assert.equal(await toggle.getAttribute("aria-expanded"), "true");
  assert.equal((await toggle.textContent()).trim(), "Ẩn bớt trả lời");
  assert.equal((await focused(page))?.cls, "comment-replies-toggle", "focus stays on the button");

  await page.keyboard.press("Enter");
  await until(async () => (await replies.count()) === 3, "collapsed again");
  assert.equal(await toggle.getAttribute("aria-expanded"), "false");
  await clean(problems, page);
  await context.close();
});

test("Vi phạm: a dialog with the server's reasons; 'Đã gửi báo cáo'; the button inert after, also after a reload", async () => {
  const thread = "acts-report";
  const c = await post(thread, "Mua hàng giá rẻ tại đây");
  const { context, page, host, problems, requests, item } = await open(thread);
  const report = item("Mua hàng giá rẻ tại đây").locator("button.comment-report");
  assert.equal((await report.textContent()).trim(), "Vi phạm");
  await report.click();
  const dialog = host.locator("dialog.report-dialog");
  await dialog.waitFor({ state: "visible", timeout: TIMEOUT });
  assert.equal(await dialog.evaluate((d) => d.open && d.matches(":modal")), true, "a modal dialog");
  const server = await (await fetch(api("/report-reasons"))).json();
  assert.deepEqual(
    await dialog.locator(".report-reason").allInnerTexts().then((t) => t.map((s) => s.trim())),
    server.reasons.map((r) => r.label.vi),
    "the reasons the server accepts",
  );
  // "Other" needs a note: said in the dialog, nothing sent.
  await dialog.locator(".report-reason", { hasText: "Lý do khác" }).click();
  await dialog.locator("button.report-send").click();
  await until(async () => (await dialog.locator(".report-error").textContent().catch(() => "")) === "Hãy ghi rõ lý do.", "the note is asked for");
  assert.ok(!requests.some((r) => r.url.pathname.endsWith("/reports")), "nothing sent yet");
  await dialog.locator("textarea.report-note").fill("Quảng cáo lừa đảo");
  await dialog.locator("button.report-send").click();
  await until(async () => (await host.locator(".comments-notice").textContent()) === "Đã gửi báo cáo", "Đã gửi báo cáo");
  assert.equal(await dialog.count(), 0, "the dialog is closed");
  const sent = requests.find((r) => r.method === "POST" && r.url.pathname.endsWith(`/comments/${c.id}/reports`));
  const body = JSON.parse(sent.body);
  assert.equal(body.reason, "other");
  assert.equal(body.text, "Quảng cáo lừa đảo");
  assert.match(body.device, /^[A-Za-z0-9]{16,64}$/);
  assert.equal((await report.textContent()).trim(), "Đã báo cáo");
  assert.equal(await report.getAttribute("aria-disabled"), "true");
  await report.click({ force: true });
  assert.equal(await dialog.count(), 0, "inert: no second dialog");

  await page.reload();
  await host.locator('section.comments:not([aria-busy="true"])').waitFor({ timeout: TIMEOUT });
  assert.equal((await report.textContent()).trim(), "Đã báo cáo", "remembered on this device");
  await clean(problems, page);
  await context.close();
});

test("Vi phạm: Escape closes the dialog and returns focus to the button", async () => {
  const thread = "acts-report-escape";
  await post(thread, "Một ý kiến bình thường");
  const { context, page, host, problems, item } = await open(thread);
  const report = item("Một ý kiến bình thường").locator("button.comment-report");
  await report.focus();
  await page.keyboard.press("Enter");
  const dialog = host.locator("dialog.report-dialog");
  await dialog.waitFor({ state: "visible", timeout: TIMEOUT });
  await page.keyboard.press("Escape");
  await until(async () => (await dialog.count()) === 0, "closed");
  assert.equal((await focused(page))?.cls, "comment-report");
  assert.equal((await report.textContent()).trim(), "Vi phạm", "not reported");
  await clean(problems, page);
  await context.close();
});

test("links: 'Sao chép liên kết' copies #ykien-c-<id>; opening it on a later page loads around it, highlights and focuses it", async () => {
  const thread = "acts-link";
  const ids = [];
  for (let i = 1; i <= 35; i++) ids.push((await post(thread, `Ý kiến số ${i}`)).id);
  const context = await browser.newContext();
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.base });
  const { page, host, problems, item } = await open(thread, { context });
  const top = host.locator(`li.comment[data-id="${ids[34]}"]`);
  await top.locator("button.comment-link").click();
  await until(async () => (await host.locator(".comments-notice").textContent()) === "Đã sao chép liên kết", "copied");
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, `${server.base}/#ykien-c-${ids[34]}`);
  await clean(problems, page);
  await page.close();

  // Comment 3 is on the fourth page of ten, newest first.
  const linked = await open(thread, { context, hash: `#ykien-c-${ids[2]}` });
  const target = linked.host.locator(`li.comment[data-id="${ids[2]}"]`);
  await until(async () => (await target.getAttribute("class"))?.includes("is-target"), "highlighted");
  const first = linked.requests.find((r) => r.url.pathname.endsWith(`/threads/${thread}/comments`));
  assert.equal(first.url.searchParams.get("around"), ids[2], "asked for the page around it");
  assert.equal((await focused(linked.page))?.item, ids[2], "focused");
  assert.ok(await target.isVisible(), "scrolled into view");
  assert.ok(
    await target.evaluate((li) => {
      const r = li.getBoundingClientRect();
      return r.top < innerHeight && r.bottom > 0;
    }),
    "in the viewport",
  );
  await clean(linked.problems, linked.page);
  await linked.page.close();

  const missing = await open(thread, { context, hash: "#ykien-c-khong-co" });
  await until(
    async () => (await missing.host.locator(".comments-notice").textContent()).startsWith("Không tìm thấy ý kiến được liên kết"),
    "not found said",
  );
  await clean(missing.problems, missing.page);
  await context.close();
});

test("editing and deleting one's own comment: only the author's device, within the window; with replies a placeholder", async () => {
  const thread = "acts-own";
  await post(thread, "Ý kiến của người khác");
  const { context, page, host, problems, requests, item } = await open(thread);
  const area = host.locator("textarea.composer-body").first();
  await area.fill("Viết sai chính tả");
  await host.locator("button.composer-send").first().click();
  await item("Viết sai chính tả").waitFor({ timeout: TIMEOUT });
  // By id from here: while it is edited, its body is the edit form.
  const ownId = await item("Viết sai chính tả").getAttribute("data-id");
  const own = host.locator(`li.comment[data-id="${ownId}"]`);
  assert.equal(await item("Ý kiến của người khác").locator("button.comment-edit").count(), 0, "not on others' comments");
  assert.equal(await own.locator("button.comment-report").count(), 0, "no Vi phạm on one's own");

  await own.locator("button.comment-edit").click();
  const edit = own.locator("form.comment-edit-form textarea");
  assert.equal(await edit.inputValue(), "Viết sai chính tả");
  assert.equal((await focused(page))?.cls.includes("composer-body"), true, "focus in the edit box");
  await edit.fill("Viết đúng chính tả");
  await own.locator("button.comment-edit-save").click();
  const fixed = item("Viết đúng chính tả");
  await fixed.waitFor({ timeout: TIMEOUT });
  assert.equal(await fixed.locator(".comment-edited").textContent(), "Đã sửa");
  const patch = requests.find((r) => r.method === "PATCH");
  assert.match(patch.headers.authorization, /^Bearer .{20,}$/, "the edit token");
  assert.deepEqual(JSON.parse(patch.body), { body: "Viết đúng chính tả" });
  const id = await fixed.getAttribute("data-id");
  assert.equal((await stored(thread)).find((c) => c.id === id)?.body, "Viết đúng chính tả", "stored");
  assert.equal((await focused(page))?.cls, "comment-edit", "focus back on Sửa");

  // Another device (a fresh context) sees no Sửa or Xóa.
  const other = await open(thread);
  await other.item("Viết đúng chính tả").waitFor({ timeout: TIMEOUT });
  assert.equal(await other.item("Viết đúng chính tả").locator("button.comment-edit, button.comment-delete").count(), 0);
  await other.context.close();

  // Delete: asked once, then gone; the count follows.
  const title = host.locator("h2.comments-title");
  assert.equal(await title.textContent(), "Ý kiến (2)");
  await fixed.locator("button.comment-delete").click();
  const yes = fixed.locator("button.comment-delete-yes");
  assert.equal((await focused(page))?.cls, "comment-delete-yes", "focus on the confirmation");
  await yes.click();
  await until(async () => (await item("Viết đúng chính tả").count()) === 0, "gone");
  assert.equal(await title.textContent(), "Ý kiến (1)");
  assert.equal((await host.locator(".comments-notice").textContent()), "Đã xóa ý kiến");
  assert.ok(requests.some((r) => r.method === "DELETE" && r.url.pathname.endsWith(`/comments/${id}`)));
  assert.equal((await stored(thread)).some((c) => c.id === id), false, "no longer listed");

  // With a reply below it, "Bình luận đã bị xóa" stays in its place.
  await area.fill("Sẽ có người trả lời");
  await host.locator("button.composer-send").first().click();
  const parent = item("Sẽ có người trả lời");
  await parent.waitFor({ timeout: TIMEOUT });
  const parentId = await parent.getAttribute("data-id");
  await post(thread, "Tôi trả lời đây", { parent: parentId, author: "Hà" });
  await page.reload();
  await host.locator('section.comments:not([aria-busy="true"])').waitFor({ timeout: TIMEOUT });
  await item("Sẽ có người trả lời").locator("button.comment-delete").click();
  await item("Sẽ có người trả lời").locator("button.comment-delete-yes").click();
  const placeholder = host.locator(`li.comment[data-id="${parentId}"]`);
  await until(async () => (await placeholder.locator(".comment-deleted").textContent().catch(() => "")) === "Bình luận đã bị xóa", "the placeholder");
  assert.ok(await placeholder.locator(".comment-body", { hasText: "Tôi trả lời đây" }).isVisible(), "the reply keeps its place");

  // Past the window the buttons are gone (the server enforces it too: its own tests).
  await area.fill("Sửa được trong mười lăm phút");
  await host.locator("button.composer-send").first().click();
  await item("Sửa được trong mười lăm phút").locator("button.comment-edit").waitFor({ timeout: TIMEOUT });
  await page.evaluate((t) => {
    const key = Object.keys(localStorage).find((k) => k.startsWith("ykien:own:") && k.endsWith(`:${t}`));
    const own = JSON.parse(localStorage.getItem(key));
    for (const o of own) o.until = Date.now() - 1000;
    localStorage.setItem(key, JSON.stringify(own));
  }, thread);
  await page.reload();
  await host.locator('section.comments:not([aria-busy="true"])').waitFor({ timeout: TIMEOUT });
  assert.equal(await host.locator("button.comment-edit, button.comment-delete").count(), 0, "no Sửa / Xóa after the window");
  await clean(problems, page);
  await context.close();
});

// ---- accessibility of the new controls, in each language and scheme ----------

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/// axe over the page, counting only what is inside the widget's shadow roots.
async function axeWidget(page) {
  await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return results.violations
    .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.filter((n) => JSON.stringify(n.target).includes("ykien-")).map((n) => JSON.stringify(n.target)) }))
    .filter((v) => v.nodes.length > 0 && (v.impact === "serious" || v.impact === "critical"));
}

for (const lang of ["vi", "en"]) {
  for (const colorScheme of ["light", "dark"]) {
    test(`axe and 44 px targets with every action showing (${lang}, ${colorScheme}): sort, Thích pressed, collapsed replies, edit form, report dialog`, async () => {
      const thread = `acts-axe-${lang}-${colorScheme}`;
      const top = await post(thread, "Ý kiến có nhiều trả lời");
      for (let i = 1; i <= 5; i++) await post(thread, `Trả lời số ${i}`, { parent: top.id, author: "Hà" });
      await post(thread, "Ý kiến thứ hai");
      const context = await browser.newContext({ colorScheme, viewport: { width: 360, height: 740 } });
      const { page, host, problems, item } = await open(thread, { attrs: { "data-lang": lang }, context });
      // A pressed like, the replies toggle, one's own comment in its edit form.
      await item("Ý kiến thứ hai").locator("button.comment-like").click();
      await until(async () => (await item("Ý kiến thứ hai").locator("button.comment-like").getAttribute("aria-pressed")) === "true", "pressed");
      await host.locator("textarea.composer-body").first().fill(lang === "vi" ? "Của tôi" : "Mine");
      await host.locator("button.composer-send").first().click();
      await item(lang === "vi" ? "Của tôi" : "Mine").waitFor({ timeout: TIMEOUT });
      // By id: while it is edited, its body is the edit form.
      const mine = host.locator(`li.comment[data-id="${await item(lang === "vi" ? "Của tôi" : "Mine").getAttribute("data-id")}"]`);
      await mine.locator("button.comment-edit").click();
      await mine.locator("form.comment-edit-form textarea").waitFor();
      assert.ok((await host.locator(".comment-replies-toggle").count()) > 0, "a collapsed thread");
      assert.ok((await host.locator("button.comments-sort-option").count()) >= 3, "the sort control");

      // Every control of the widget is a 44 px target on a phone.
      const small = await page.evaluate(() => {
        const root = document.querySelector("ykien-comments").shadowRoot;
        return [...root.querySelectorAll("button, a[href], input, textarea, select")]
          .filter((el) => el.getClientRects().length > 0)
          .map((el) => ({ el: `${el.tagName.toLowerCase()}.${el.className}`, ...el.getBoundingClientRect().toJSON() }))
          .filter((r) => r.width < 44 || r.height < 44)
          .map((r) => `${r.el} ${Math.round(r.width)}×${Math.round(r.height)}`);
      });
      assert.deepEqual(small, [], "targets under 44 × 44 px");
      assert.deepEqual(await axeWidget(page), [], "axe with the edit form open");

      await item("Ý kiến thứ hai").locator("button.comment-report").click();
      await host.locator("dialog.report-dialog").waitFor({ state: "visible", timeout: TIMEOUT });
      assert.deepEqual(await axeWidget(page), [], "axe with the report dialog open");
      await clean(problems, page);
      await context.close();
    });
  }
}
