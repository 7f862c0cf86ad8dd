// End-to-end: the comment section of the demo page against a reference server this
// file starts itself (its own database, rate limit off), so it can stop and restart
// the server under the reader's feet.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch } from "./browser.mjs";
import { freePort, startReference } from "./servers/reference.mjs";

const SERVER_BIN = process.env.YKIEN_SERVER_BIN;
const SITE_DIR = process.env.YKIEN_SITE_DIR;

let browser;
let dataDir;
let server;
let port;

async function startServer() {
  return startReference({ serverBin: SERVER_BIN, siteDir: SITE_DIR, dataDir, port });
}

async function stopServer() {
  await server.stop();
}

const base = () => `http://127.0.0.1:${port}`;

before(async () => {
  assert.ok(SERVER_BIN && SITE_DIR, "run through `cargo xtask test` (YKIEN_SERVER_BIN, YKIEN_SITE_DIR)");
  dataDir = mkdtempSync(join(tmpdir(), "ykien-e2e-comments-"));
  port = await freePort();
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  if (server) await stopServer().catch(() => {});
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function open(path = "/") {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = { pageErrors: [], csp: [] };
  page.on("pageerror", (e) => problems.pageErrors.push(String(e)));
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  await page.goto(base() + path);
  return { context, page, problems };
}

// The section loads when it nears the viewport: scroll to it like a reader.
async function comments(page) {
  const host = page.locator("ykien-comments");
  await host.scrollIntoViewIfNeeded();
  await page.locator("ykien-comments li.comment").first().waitFor();
  return host;
}

async function storedBodies(text) {
  const r = await fetch(`${base()}/api/v1/threads/demo/comments?limit=100`);
  const { comments } = await r.json();
  return comments.filter((c) => c.body === text);
}

test("a comment and a reply are posted, and are there after a reload", async () => {
  const { context, page, problems } = await open();
  const host = await comments(page);
  const title = host.locator("h2.comments-title");
  assert.equal(await title.textContent(), "Ý kiến (40)");
  assert.equal(await host.locator(".composer-counter").first().textContent(), "0 / 500 ký tự");
  assert.equal(await host.locator("input.composer-name").first().getAttribute("placeholder"), "Khách");

  await host.locator("input.composer-name").first().fill("Thu Trang");
  const body = "Cảm ơn bài viết, mong đường sớm được làm!";
  await host.locator("textarea.composer-body").first().fill(body);
  assert.equal(await host.locator(".composer-counter").first().textContent(), `${[...body].length} / 500 ký tự`);
  await host.locator("textarea.composer-body").first().press("Control+Enter");

  const mine = host.locator("ol.comment-list > li.comment").first();
  await mine.locator(".comment-body", { hasText: body }).waitFor();
  assert.equal(await mine.locator(".comment-author").first().textContent(), "Thu Trang");
  assert.equal(await title.textContent(), "Ý kiến (41)");
  assert.equal(await host.locator("textarea.composer-body").first().inputValue(), "", "cleared after sending");

  await mine.locator("button.comment-reply").first().click();
  const replyForm = mine.locator("form.composer");
  const reply = "Đồng ý với bạn.";
  await replyForm.locator("textarea").fill(reply);
  await replyForm.locator("button.composer-send").click();
  await mine.locator("ol.comment-replies li.comment .comment-body", { hasText: reply }).waitFor();
  assert.equal(await title.textContent(), "Ý kiến (42)");

  await page.reload();
  const again = await comments(page);
  const first = again.locator("ol.comment-list > li.comment").first();
  await first.locator(".comment-body", { hasText: body }).waitFor();
  assert.equal(await first.locator("ol.comment-replies .comment-body").first().textContent(), reply);
  assert.equal(await again.locator("h2.comments-title").textContent(), "Ý kiến (42)");
  assert.equal(await again.locator("input.composer-name").first().inputValue(), "Thu Trang", "name remembered");
  assert.equal((await storedBodies(body)).length, 1);

  assert.deepEqual(await page.evaluate(() => window.__csp), [], "no CSP violations");
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test("a draft survives a reload", async () => {
  const { context, page } = await open();
  const host = await comments(page);
  const draft = "Bản nháp chưa gửi:\nhai dòng, có dấu tiếng Việt.";
  await host.locator("textarea.composer-body").first().fill(draft);
  // Saved after a short pause in typing.
  await page.waitForFunction(() => Object.keys(localStorage).some((k) => k.startsWith("ykien:draft:")));
  await page.reload();
  const again = await comments(page);
  assert.equal(await again.locator("textarea.composer-body").first().inputValue(), draft);
  assert.equal(await again.locator(".composer-counter").first().textContent(), `${[...draft].length} / 500 ký tự`);
  await context.close();
});

test("server down: the send fails with the text kept, and the retry stores it once", async () => {
  const { context, page, problems } = await open();
  const host = await comments(page);
  const body = `Gửi lại khi máy chủ hoạt động ${Date.now()}`;
  await host.locator("textarea.composer-body").first().fill(body);

  await stopServer();
  await host.locator("button.composer-send").first().click();
  const error = host.locator(".composer-error");
  await error.waitFor();
  assert.match(await error.textContent(), /không kết nối được máy chủ/);
  assert.equal(await host.locator("textarea.composer-body").first().inputValue(), body, "nothing typed is lost");

  // Paging fails too, with its own retry.
  const more = host.locator("button.comments-more");
  await more.click();
  await host.locator(".comments-more-wrap .comments-error").waitFor();

  server = await startServer();
  await host.locator("button.composer-retry").click();
  await host.locator("ol.comment-list > li.comment").first().locator(".comment-body", { hasText: body }).waitFor();
  assert.equal((await storedBodies(body)).length, 1, "stored exactly once");
  await host.locator("button.comments-more").click();
  await page.waitForFunction(() => {
    const root = document.querySelector("ykien-comments").shadowRoot;
    // All 17 seeded top-level comments plus this file's own, and no more pages.
    return !root.querySelector(".comments-more") &&
      root.querySelectorAll("ol.comment-list > li.comment").length >= 18;
  });
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});
