// Driving the widget on a page in Chromium, for the third-party API suites
// (e2e/isso*.test.mjs, e2e/waline*.test.mjs): what the reader sees, comment by
// comment, the counts on a listing page, and the waits that go with them. The
// DOM contract is the one e2e/adapters.test.mjs documents.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { ADAPTERS_DIR } from "./paths.mjs";

export const TIMEOUT = 15_000;

/// Opens `url`, recording page errors, console messages and API requests.
export async function openWidget(browser, url, { apiOrigin } = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = { pageErrors: [], consoleErrors: [], warnings: [] };
  page.on("pageerror", (e) => problems.pageErrors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") problems.consoleErrors.push(m.text());
    if (m.type() === "warning") problems.warnings.push(m.text());
  });
  const requests = [];
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (apiOrigin && u.origin === apiOrigin) {
      requests.push({ method: r.method(), url: u, headers: r.headers(), body: r.postData() });
    }
  });
  await page.goto(url);
  const host = page.locator("ykien-comments");
  const w = {
    page,
    host,
    title: host.locator("h2.comments-title"),
    comments: host.locator("li.comment"),
    more: host.locator("button.comments-more"),
  };
  return { context, page, problems, requests, w };
}

/// Polls `fn` until it returns a truthy value.
export async function until(fn, message, timeout = TIMEOUT) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${message}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/// The heading says `total` and the section is no longer busy.
export async function loaded(w, total, label = "Ý kiến") {
  await w.title.filter({ hasText: new RegExp(`^\\s*${label} \\(${total}\\)\\s*$`) }).first().waitFor({ timeout: TIMEOUT });
  await w.host.locator('section.comments:not([aria-busy="true"])').waitFor({ timeout: TIMEOUT });
}

/// Clicks "Xem thêm" until it is gone; returns how many times.
export async function loadAll(w) {
  for (let round = 0; round < 50; round++) {
    await w.host.locator('section.comments:not([aria-busy="true"])').waitFor({ timeout: TIMEOUT });
    if (!(await w.more.isVisible())) return round;
    const before = await w.comments.count();
    await w.more.click();
    await until(async () => (await w.comments.count()) > before || !(await w.more.isVisible()), "the next page rendered");
  }
  throw new Error("Xem thêm never ran out");
}

/// What the reader sees, comment by comment, in document order.
export function snapshot(w) {
  return w.host.evaluate((host) => {
    const own = (li, sel) => [...li.querySelectorAll(sel)].find((el) => el.closest("li.comment") === li) ?? null;
    for (const li of host.shadowRoot.querySelectorAll("li.comment")) li.style.contentVisibility = "visible";
    return [...host.shadowRoot.querySelectorAll("li.comment")].map((li) => ({
      id: li.dataset.id,
      parent: li.parentElement?.closest("li.comment")?.dataset.id ?? null,
      topLevel: li.parentElement?.matches("ol.comment-list") ?? false,
      author: own(li, ".comment-author")?.textContent.trim() ?? null,
      body: own(li, ".comment-body")?.innerText.replace(/\s+/g, " ").trim() ?? null,
      bold: [...(own(li, ".comment-body")?.querySelectorAll("strong, b") ?? [])].map((b) => b.textContent),
      datetime: own(li, "time.comment-time")?.getAttribute("datetime") ?? null,
      pending: li.classList.contains("is-pending"),
      deleted: li.classList.contains("is-deleted"),
    }));
  });
}

/// The element `selector` of comment `id` itself (null id: outside every comment).
export async function ownElement(w, id, selector) {
  const index = await w.host.evaluate(
    (host, [id, selector]) =>
      [...host.shadowRoot.querySelectorAll(selector)].findIndex((el) => (el.closest("li.comment")?.dataset.id ?? null) === id),
    [id === null ? null : String(id), selector],
  );
  return index < 0 ? null : w.host.locator(selector).nth(index);
}

export const ownWait = (w, id, selector) => until(() => ownElement(w, id, selector), `${selector} of ${id ?? "the page"}`);

/// The visible text of a comment body's HTML (block tags as spaces).
export function htmlText(html) {
  return html
    .replace(/<\/?(p|div|br|li|ul|ol|blockquote|h\d|pre)\b[^>]*>/gi, " ")
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
}

export function assertTime(shown, expectedMs) {
  assert.ok(shown.datetime, `comment ${shown.id} has a time`);
  assert.ok(Math.abs(Date.parse(shown.datetime) - expectedMs) < 1000, `comment ${shown.id}: ${shown.datetime} vs ${new Date(expectedMs).toISOString()}`);
}

/// A banner that cannot be missed, for a suite that cannot run on this machine.
export function skipBanner(what, reason) {
  const line = "#".repeat(78);
  console.error(`\n${line}\n# SKIPPED: ${what}\n# ${reason}\n${line}\n`);
}

/// A listing page's counts once ykien-count.js has filled every element (it sets
/// the label with the text): [{ thread, text, label }] in document order.
export async function listingCounts(page) {
  await page.waitForFunction(
    () => [...document.querySelectorAll("[data-ykien-count]")].every((el) => el.hasAttribute("aria-label")),
    null,
    { timeout: TIMEOUT },
  );
  return page.$$eval("[data-ykien-count]", (els) =>
    els.map((el) => ({ thread: el.getAttribute("data-ykien-count"), text: el.textContent, label: el.getAttribute("aria-label") })),
  );
}

/// The site's listing page with ykien-count.js configured for a third-party API by
/// one of the shipped adapters (inline, as the count script takes it), "{n} ý kiến".
export function listingUrl(site, api, adapterFile, threads) {
  const adapter = fs.readFileSync(path.join(ADAPTERS_DIR, adapterFile), "utf8");
  const params = [["api", api], ["adapter", adapter], ["format", "{n} ý kiến"], ...threads.map((t) => ["thread", t])];
  return `${site.origin}/listing.html?${new URLSearchParams(params)}`;
}

/// The counts shown, in the page's order, are `expected` (thread → count), each as
/// text and label; the page had no errors or warnings.
export function assertListing(shown, threads, expected, problems) {
  assert.deepEqual(shown.map((s) => s.thread), threads);
  for (const s of shown) {
    assert.equal(s.text, `${expected[s.thread]} ý kiến`, `the count of ${s.thread}`);
    assert.equal(s.label, `${expected[s.thread]} ý kiến`);
  }
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.consoleErrors, []);
  assert.deepEqual(problems.warnings, []);
}
