// End-to-end: the moderation desk (/admin) in Chromium against a real ykien-server
// with pre-moderation on, which this file starts itself — on a fresh SQLite file,
// or on PostgreSQL when YKIEN_E2E_DATABASE_URL names a fresh database (`cargo xtask
// test` runs it both ways). An editor signs in, works the queue, and what readers
// see in the widget and the API follows.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch } from "./browser.mjs";
import { adminCli, sqliteUrl, startDesk } from "./servers/desk.mjs";

const SERVER_BIN = process.env.YKIEN_SERVER_BIN;
const SITE_DIR = process.env.YKIEN_SITE_DIR;
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const CORPUS = JSON.parse(readFileSync(new URL("./fixtures/xss-payloads.json", import.meta.url), "utf8"));

const EDITOR = "bientap";
const PASSWORD = "mật-khẩu-của-biên-tập-viên";
const MAX_FAILURES = 5;

let browser;
let dataDir;
let server;
let dbUrl;
const base = () => server.base;
const backend = process.env.YKIEN_E2E_DATABASE_URL ? "postgres" : "sqlite";

before(async () => {
  assert.ok(SERVER_BIN && SITE_DIR, "run through `cargo xtask test` (YKIEN_SERVER_BIN, YKIEN_SITE_DIR)");
  dataDir = mkdtempSync(join(tmpdir(), "ykien-e2e-desk-"));
  dbUrl = process.env.YKIEN_E2E_DATABASE_URL || sqliteUrl(dataDir);
  server = await startDesk({
    serverBin: SERVER_BIN,
    siteDir: SITE_DIR,
    databaseUrl: dbUrl,
    args: ["--premoderation", "--report-rate-limit-per-minute", "0",
      "--admin-max-failures-per-account", String(MAX_FAILURES)],
  });
  adminCli(SERVER_BIN, dbUrl, ["add", EDITOR], PASSWORD);
  browser = await launch();
  console.log(`# desk e2e on ${backend}`);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

// ---- helpers ----------------------------------------------------------------

async function api(path, { method = "GET", body, headers = {} } = {}) {
  const r = await fetch(base() + path, {
    method,
    headers: body ? { "content-type": "application/json", ...headers } : headers,
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, json: await r.json() };
}

/// A comment posted as a reader through the API: { id, token }.
async function post(thread, body, author = "Độc giả", extra = {}) {
  const r = await api(`/api/v1/threads/${encodeURIComponent(thread)}/comments`, {
    method: "POST",
    body: { author, body, ...extra },
  });
  assert.equal(r.status, 202, JSON.stringify(r.json));
  return { id: r.json.comment.id, token: r.json.pending_token };
}

async function list(thread, tokens = []) {
  const q = tokens.length ? `&pending=${tokens.join(",")}` : "";
  return (await api(`/api/v1/threads/${encodeURIComponent(thread)}/comments?limit=100${q}`)).json;
}

async function newContext(options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const problems = { pageErrors: [], csp: [] };
  page.on("pageerror", (e) => problems.pageErrors.push(String(e)));
  page.on("dialog", (d) => d.accept());
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  return { context, page, problems };
}

async function signIn(page, name = EDITOR, password = PASSWORD) {
  await page.goto(base() + "/admin");
  await page.locator("#name").fill(name);
  await page.locator("#password").fill(password);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith("/admin/login")),
    page.locator('form[action="/admin/login"] button[type="submit"]').click(),
  ]);
  await page.waitForLoadState();
  return response.status();
}

/// A signed-in editor's page.
async function editor(options = {}) {
  const ctx = await newContext(options);
  assert.equal(await signIn(ctx.page), 303);
  await ctx.page.locator("nav.tabs").waitFor();
  return ctx;
}

async function desk(page, query) {
  await page.goto(`${base()}/admin?${query}`);
  await page.locator("nav.tabs").waitFor();
}

async function act(page, id, action) {
  await Promise.all([
    page.waitForURL(/[?&]ok=/),
    page.locator(`#c-${id} button[name="do"][value="${action}:${id}"]`).click(),
  ]);
}

async function axeViolations(page) {
  await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(" ")}`);
}

/// The reader's page (the demo article, thread "demo") with the comments loaded.
async function readerComments(page) {
  await page.goto(base() + "/");
  const host = page.locator("ykien-comments");
  await host.scrollIntoViewIfNeeded();
  await page.locator("ykien-comments li.comment").first().waitFor();
  return host;
}

// ---- access -----------------------------------------------------------------

test("without a session /admin is the sign-in form and the desk's pages are unreachable", async () => {
  const plain = await fetch(base() + "/admin");
  assert.equal(plain.status, 200);
  const html = await plain.text();
  assert.match(html, /<form method="post" action="\/admin\/login"/);
  assert.doesNotMatch(html, /nav class="tabs"/);
  const csp = plain.headers.get("content-security-policy");
  assert.match(csp, /frame-ancestors 'none'/);
  assert.match(csp, /script-src 'self';/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  for (const path of ["/admin?view=trash", "/admin/bans", "/admin/audit"]) {
    const r = await fetch(base() + path);
    assert.ok(r.status === 200 || r.status === 401, `${path} ${r.status}`);
    assert.doesNotMatch(await r.text(), /nav class="tabs"|<table class="audit"|class="bans"/, path);
  }
  const r = await fetch(base() + "/admin/actions", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "csrf=x&action=approve&id=x",
  });
  assert.equal(r.status, 403);
});

test("sign-in page: axe, no horizontal scroll at 360 px, and a session cookie that is HttpOnly and SameSite=Strict", async () => {
  const { context, page, problems } = await newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  await page.goto(base() + "/admin");
  assert.deepEqual(await axeViolations(page), []);
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), 0);
  // Keyboard only: Tab to the name field, type, Tab, type, Enter.
  let reached = false;
  for (let i = 0; i < 10 && !reached; i++) {
    await page.keyboard.press("Tab");
    reached = await page.evaluate(() => document.activeElement?.id === "name");
  }
  assert.ok(reached, "the name field is reachable with Tab");
  await page.keyboard.type(EDITOR);
  await page.keyboard.press("Tab");
  await page.keyboard.type(PASSWORD);
  const started = Date.now();
  await page.keyboard.press("Enter");
  await page.locator("nav.tabs").waitFor();
  console.log(`# sign-in (Argon2id verify included) round trip: ${Date.now() - started} ms`);
  const cookie = (await context.cookies()).find((c) => c.name === "ykien_desk");
  assert.ok(cookie, "session cookie set");
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, "Strict");
  assert.equal(cookie.path, "/admin");
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

// ---- the queue ------------------------------------------------------------------

test("approve a pending comment: it appears in the widget, in context of its parent, and in the audit log", async () => {
  const body = `Bình luận chờ duyệt ${Date.now()}`;
  const { id } = await post("demo", body, "Thu Trang");
  // A reply to it, judged in context.
  const reply = await post("demo", "Trả lời để xem ngữ cảnh", "Minh", { parent_id: id });

  const reader = await newContext();
  let host = await readerComments(reader.page);
  assert.equal(await host.locator(".comment-body", { hasText: body }).count(), 0, "not shown before approval");

  const { context, page, problems } = await editor();
  await desk(page, "view=pending&thread=demo");
  const item = page.locator(`#c-${id}`);
  assert.equal(await item.locator(".author").textContent(), "Thu Trang");
  assert.equal(await item.locator(".body").first().textContent(), body);
  assert.match(await item.locator(".where").textContent(), /demo/);
  assert.match(await item.locator(".hint").textContent(), /^[0-9a-f]{8}$/, "a hashed network hint, never an IP");
  assert.doesNotMatch(await page.content(), /127\.0\.0\.1/, "no raw IP anywhere in the desk");
  assert.match(await item.locator(".held").textContent(), /mọi bình luận đều được duyệt trước/);
  const replyItem = page.locator(`#c-${reply.id}`);
  assert.match(await replyItem.locator("blockquote.parent").textContent(), new RegExp(`Trả lời\\s+Thu Trang.*${body}`));

  await act(page, id, "approve");
  assert.match(await page.locator(".notice").textContent(), /Số bình luận đã duyệt: 1/);
  assert.equal(await page.locator(`#c-${id}`).count(), 0, "gone from the pending view");

  host = await readerComments(reader.page);
  await host.locator(".comment-body", { hasText: body }).waitFor();

  await page.goto(base() + "/admin/audit");
  const row = page.locator("table.audit tbody tr", { hasText: body.slice(0, 30) }).first();
  assert.match(await row.textContent(), new RegExp(`${EDITOR}.*Duyệt`));
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
  await reader.context.close();
});

test("reject: the API tells the token holder (status rejected) and nobody else", async () => {
  const thread = `reject-${Date.now()}`;
  const { id, token } = await post(thread, "Sẽ bị từ chối");
  const { context, page } = await editor();
  await desk(page, `view=pending&thread=${thread}`);
  await act(page, id, "reject");
  const mine = await list(thread, [token]);
  assert.deepEqual(mine.comments.map((c) => [c.id, c.status]), [[id, "rejected"]]);
  assert.equal(mine.total, 0);
  assert.deepEqual((await list(thread)).comments, []);
  await context.close();
});

// Depends on the widget change that shows rejected comments ("Không được duyệt",
// class is-rejected): it fails until that lands.
test("reject one posted with the widget: its author is told \"Không được duyệt\"", async () => {
  const reader = await newContext();
  let host = await readerComments(reader.page);
  const body = `Bình luận này sẽ bị từ chối ${Date.now()}`;
  await host.locator("textarea.composer-body").first().fill(body);
  await host.locator("button.composer-send").first().click();
  await host.locator("li.comment", { hasText: body }).waitFor();

  const { context, page } = await editor();
  await desk(page, "view=pending&thread=demo");
  const item = page.locator("li.item", { hasText: body });
  const id = await item.getAttribute("data-id");
  await act(page, id, "reject");

  // One navigation, not a reload and then another: the widget shows a rejection
  // once and forgets it, so a load the reader never saw would use it up.
  host = await readerComments(reader.page);
  const mine = host.locator("li.comment", { hasText: body });
  // On a loaded machine the first list can take a while; if it never shows the
  // comment, say what the reader saw and what the device kept.
  await mine.waitFor().catch(async (e) => {
    const seen = await host.locator("li.comment").allTextContents();
    const kept = await reader.page.evaluate(() => Object.keys(localStorage).join(", "));
    throw new Error(`${e.message}\nlisted: ${JSON.stringify(seen.slice(0, 3))}\nstorage keys: ${kept}`);
  });
  assert.match(await mine.textContent(), /Không được duyệt/);
  assert.match(await mine.getAttribute("class"), /is-rejected/);
  await context.close();
  await reader.context.close();
});

test("delete moves a published comment to the trash (gone for readers); restore brings it back", async () => {
  const thread = `trash-${Date.now()}`;
  const { id } = await post(thread, "Xoá rồi khôi phục");
  const { context, page } = await editor();
  await desk(page, `view=pending&thread=${thread}`);
  await act(page, id, "approve");
  assert.equal((await list(thread)).total, 1);

  await desk(page, `view=published&thread=${thread}`);
  await act(page, id, "delete");
  assert.match(await page.locator(".notice").textContent(), /thùng rác: 1/);
  assert.equal((await list(thread)).total, 0);
  assert.deepEqual((await list(thread)).comments, []);
  await desk(page, `view=trash&thread=${thread}`);
  assert.equal(await page.locator('.tabs a[href*="view=trash"] .count').textContent(), "1");
  assert.match(await page.locator(`#c-${id} .trash-info`).textContent(), /khôi phục được đến/);
  await act(page, id, "restore");
  const after = await list(thread);
  assert.deepEqual(after.comments.map((c) => [c.id, c.status]), [[id, "published"]]);
  assert.equal(after.total, 1);
  await context.close();
});

test("ban a word: a new comment with it written without diacritics is held (and a refuse rule refuses, localized)", async () => {
  const { context, page } = await editor();
  await page.goto(base() + "/admin/bans");
  await page.locator("#b-kind").selectOption("word");
  await page.locator("#b-value").fill("lừa đảo");
  await page.locator("#b-action").selectOption("hold");
  await Promise.all([page.waitForURL(/ok=ban/), page.locator(".ban-form button[type=submit]").click()]);
  assert.match(await page.locator(".bans").textContent(), /lừa đảo/);
  await page.locator("#b-value").fill("Cá độ bóng đá");
  await page.locator("#b-action").selectOption("refuse");
  await Promise.all([page.waitForURL(/ok=ban/), page.locator(".ban-form button[type=submit]").click()]);

  const thread = `ban-${Date.now()}`;
  const { id } = await post(thread, "Trang này LUA DAO, đừng tin!");
  await desk(page, `view=pending&thread=${thread}`);
  assert.match(await page.locator(`#c-${id} .held`).textContent(), /từ bị chặn: «lừa đảo»/);

  const vi = await api(`/api/v1/threads/${thread}/comments`, { method: "POST", body: { body: "vao day ca do bong da nhe" } });
  assert.equal(vi.status, 422);
  assert.equal(vi.json.error.code, "blocked_content");
  assert.match(vi.json.error.message, /không được phép/);
  const en = await api(`/api/v1/threads/${thread}/comments`, {
    method: "POST",
    body: { body: "CÁ ĐỘ BÓNG ĐÁ!!" },
    headers: { "accept-language": "en-US,en;q=0.9" },
  });
  assert.equal(en.status, 422);
  assert.match(en.json.error.message, /not allowed/);
  await context.close();
});

test("bulk: select all 50 pending comments of a thread and approve them at once", async () => {
  const thread = `bulk-${Date.now()}`;
  for (let i = 0; i < 50; i++) await post(thread, `Bình luận số ${i + 1}`);
  const { context, page } = await editor();
  await desk(page, `view=pending&thread=${thread}`);
  assert.equal(await page.locator("li.item").count(), 50);
  assert.equal(await page.locator('.tabs a[aria-current="page"] .count').textContent(), "50");
  await page.locator("[data-select-all]").check();
  assert.match(await page.locator(".selected").textContent(), /50/);
  await Promise.all([
    page.waitForURL(/ok=approve/),
    page.locator('fieldset.bulk button[name="action"][value="approve"]').click(),
  ]);
  assert.match(await page.locator(".notice").textContent(), /Số bình luận đã duyệt: 50/);
  assert.equal(await page.locator("li.item").count(), 0);
  assert.equal((await list(thread)).total, 50);
  await context.close();
});

// ---- attacks ---------------------------------------------------------------------

test("CSRF: a cross-site form post and a request without the token are refused", async () => {
  const thread = `csrf-${Date.now()}`;
  const { id, token } = await post(thread, "Không ai được duyệt hộ");
  const { context, page } = await editor();
  await desk(page, `view=pending&thread=${thread}`);
  const realToken = await page.locator('#queue-form input[name="csrf"]').inputValue();

  // Another origin (another port: same site, so the SameSite cookie still goes
  // along) auto-submits forms to the desk: with a guessed token and even with the
  // real one, which the Sec-Fetch-Site/Origin check refuses.
  const evil = createServer((req, res) => {
    const csrf = req.url.includes("real") ? realToken : "guessed";
    res.setHeader("content-type", "text/html");
    res.end(`<!doctype html><form id="f" method="post" action="${base()}/admin/actions">
      <input name="csrf" value="${csrf}"><input name="do" value="approve:${id}"></form>
      <script>document.getElementById("f").submit()</script>`);
  });
  await new Promise((r) => evil.listen(0, "127.0.0.1", r));
  const evilBase = `http://127.0.0.1:${evil.address().port}`;
  for (const variant of ["guessed", "real"]) {
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${base()}/admin/actions`),
      page.goto(`${evilBase}/${variant}`),
    ]);
    assert.equal(res.status(), 403, `cross-site post with the ${variant} token`);
  }
  await new Promise((r) => evil.close(r));

  await desk(page, `view=pending&thread=${thread}`);
  const status = await page.evaluate(async (id) => {
    const r = await fetch("/admin/actions", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `do=approve:${id}`,
    });
    return r.status;
  }, id);
  assert.equal(status, 403, "same-origin request without the token");
  const still = await list(thread, [token]);
  assert.deepEqual(still.comments.map((c) => c.status), ["pending"], "nothing was approved");
  await context.close();
});

test("brute force: after the failed sign-ins allowed, even the right password is refused", async () => {
  const name = `thu${Date.now() % 100000}`;
  const password = "mật khẩu thật của Thu";
  adminCli(SERVER_BIN, dbUrl, ["add", name], password);
  const { context, page } = await newContext();
  for (let i = 0; i < MAX_FAILURES; i++) {
    assert.equal(await signIn(page, name, `sai ${i} lần`), 401);
    assert.match(await page.locator(".notice.is-error").textContent(), /không đúng/);
  }
  assert.equal(await signIn(page, name, password), 429);
  assert.match(await page.locator(".notice.is-error").textContent(), /quá nhiều lần đăng nhập sai/);
  assert.equal(await page.locator("nav.tabs").count(), 0);
  // Other accounts are not locked.
  const other = await editor();
  await other.context.close();
  await context.close();
});

test("sign-out ends the session on the server; removing a moderator ends theirs", async () => {
  const { context, page } = await editor();
  const cookie = (await context.cookies()).find((c) => c.name === "ykien_desk");
  await Promise.all([page.waitForURL(/\/admin$/), page.locator('form[action="/admin/logout"] button').click()]);
  await page.locator("#name").waitFor();
  await context.close();
  // The old cookie, replayed in a fresh browser, opens nothing.
  const replay = await browser.newContext();
  await replay.addCookies([cookie]);
  const p = await replay.newPage();
  const res = await p.goto(base() + "/admin/bans");
  assert.equal(res.status(), 401);
  assert.equal(await p.locator("#name").count(), 1);
  assert.equal(await p.locator(".bans, .ban-form").count(), 0);
  await replay.close();

  const name = `tam${Date.now() % 100000}`;
  adminCli(SERVER_BIN, dbUrl, ["add", name], "tài khoản tạm thời");
  const temp = await newContext();
  assert.equal(await signIn(temp.page, name, "tài khoản tạm thời"), 303);
  await temp.page.locator("nav.tabs").waitFor();
  adminCli(SERVER_BIN, dbUrl, ["remove", name]);
  await temp.page.reload();
  assert.equal(await temp.page.locator("nav.tabs").count(), 0);
  assert.equal(await temp.page.locator("#name").count(), 1);
  await temp.context.close();
});

test(`XSS: ${CORPUS.count} payloads in comment fields, replies, reports and bans execute nothing in the desk`, async () => {
  let trapHits = 0;
  const trap = createServer((req, res) => {
    trapHits++;
    res.end();
  });
  await new Promise((r) => trap.listen(0, "127.0.0.1", r));
  const canary = `window.__pwned=1;fetch(\`http://127.0.0.1:${trap.address().port}/hit\`)`;
  const payloads = CORPUS.payloads.map((p) => p.replaceAll(CORPUS.placeholder, canary));
  const thread = `xss-${Date.now()}`;
  const ids = [];
  let fields = 0;
  for (const p of payloads) {
    const author = [...p].length <= 60 ? p : "Kẻ tấn công";
    ids.push((await post(thread, p, author)).id);
  }
  fields += 2;
  // Replies (the parent is shown in context), approved so they can be reported.
  for (const p of payloads.slice(0, 20)) await post(thread, `trả lời ${p.slice(0, 50)}`, "Người trả lời", { parent_id: ids[0] });
  const { context, page, problems } = await newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  const dialogs = [];
  page.on("dialog", (d) => dialogs.push(d.message()));
  assert.equal(await signIn(page), 303);
  // Approve the first 30, report them with each payload as the reason text.
  await desk(page, `view=pending&thread=${thread}&per=200`);
  for (const id of ids.slice(0, 30)) await page.locator(`#c-${id} input[name="id"]`).check();
  await Promise.all([page.waitForURL(/ok=approve/), page.locator('fieldset.bulk button[value="approve"]').click()]);
  for (let i = 0; i < 30; i++) {
    const r = await api(`/api/v1/threads/${thread}/comments/${ids[i]}/reports`, {
      method: "POST",
      body: { reason: "other", text: [...payloads[i]].slice(0, 300).join(""), device: `d${i}` },
    });
    assert.equal(r.status, 201, JSON.stringify(r.json));
  }
  fields += 1;
  // Payloads as banned words and names.
  const csrf = await page.locator('#queue-form input[name="csrf"]').inputValue();
  for (const p of payloads.slice(0, 40)) {
    await page.evaluate(
      async ([csrf, value]) =>
        fetch("/admin/bans", {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ csrf, kind: "name", value: value.slice(0, 200), action: "hold" }),
        }),
      [csrf, p],
    );
  }
  fields += 1;
  // Thread ids too, where the API allows them (no commas or control characters).
  for (const p of payloads.filter((p) => !/[,\u0000-\u001f]/.test(p) && Buffer.byteLength(p) <= 200).slice(0, 20)) {
    const r = await api(`/api/v1/threads/${encodeURIComponent(p)}/comments`, { method: "POST", body: { body: "luồng lạ" } });
    assert.equal(r.status, 202, p);
  }
  fields += 1;
  for (const path of [
    `/admin?view=pending&thread=${thread}&per=200`,
    `/admin?view=published&thread=${thread}&per=200`,
    `/admin?view=reported&per=200`,
    "/admin?view=pending&per=200",
    "/admin/bans",
    "/admin/audit",
    `/admin?view=pending&q=${encodeURIComponent(payloads[10])}`,
  ]) {
    await page.goto(base() + path);
    await page.waitForLoadState("load");
    await page.waitForTimeout(150);
    // Hover, focus and scroll over everything, as a person working the page would.
    await page.evaluate(() => {
      for (const el of document.querySelectorAll("main *")) {
        el.dispatchEvent(new MouseEvent("mouseover", { bubbles: true }));
      }
      window.scrollTo(0, document.body.scrollHeight);
    });
    await page.waitForTimeout(100);
    assert.equal(await page.evaluate(() => window.__pwned), undefined, `canary ran on ${path}`);
  }
  // The text is shown as text.
  await desk(page, `view=published&thread=${thread}&per=200`);
  assert.equal(await page.locator(`#c-${ids[0]} .body`).first().textContent(), payloads[0]);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(trapHits, 0, "no request reached the trap");
  assert.deepEqual(dialogs, []);
  assert.deepEqual(problems.pageErrors, []);
  console.log(`# desk XSS: ${payloads.length} payloads × ${fields} fields, 7 pages`);
  await new Promise((r) => trap.close(r));
  await context.close();
});

// ---- quality ---------------------------------------------------------------------

for (const lang of ["vi", "en"]) {
  test(`axe and 360 px: the queue with replies, holds and reports, the bans and the audit log (${lang})`, async () => {
    const thread = `a11y-${lang}-${Date.now()}`;
    const parent = await post(thread, "Bài gốc có liên kết https://vd.vn");
    await post(thread, "Một câu trả lời", "Hà", { parent_id: parent.id });
    const { context, page, problems } = await editor({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    if (lang === "en") {
      await page.locator('a.lang[lang="en"]').click();
      await page.locator('html[lang="en"]').waitFor();
    }
    await desk(page, `view=pending&thread=${thread}`);
    await act(page, parent.id, "approve");
    await api(`/api/v1/threads/${thread}/comments/${parent.id}/reports`, { method: "POST", body: { reason: "spam", device: "a11y" } });
    for (const path of [`/admin?view=pending&thread=${thread}`, `/admin?view=reported&thread=${thread}`, "/admin?view=trash", "/admin/bans", "/admin/audit"]) {
      await page.goto(base() + path);
      assert.equal(await page.locator("html").getAttribute("lang"), lang);
      assert.deepEqual(await axeViolations(page), [], path);
      assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), 0, `${path}: no horizontal scroll`);
    }
    // Keyboard: from the reported item's checkbox, Space selects it; its action buttons follow in Tab order.
    await page.goto(base() + `/admin?view=reported&thread=${thread}`);
    await page.locator(`#c-${parent.id} input[name="id"]`).focus();
    await page.keyboard.press("Space");
    assert.equal(await page.locator(`#c-${parent.id} input[name="id"]`).isChecked(), true);
    let onKeep = false;
    for (let i = 0; i < 15 && !onKeep; i++) {
      await page.keyboard.press("Tab");
      onKeep = await page.evaluate((v) => document.activeElement?.value === v, `approve:${parent.id}`);
    }
    assert.ok(onKeep, "the item's first action is reachable with Tab");
    await Promise.all([page.waitForURL(/ok=approve/), page.keyboard.press("Enter")]);
    assert.equal((await list(thread)).total, 1, "kept (reports dismissed)");
    if (lang === "en") {
      assert.match(await page.locator(".notice").textContent(), /Comments approved: 1/);
      await page.locator('a.lang[lang="vi"]').click();
      await page.locator('html[lang="vi"]').waitFor();
    }
    assert.deepEqual(await page.evaluate(() => window.__csp), []);
    assert.deepEqual(problems.pageErrors, []);
    await context.close();
  });
}
