// End-to-end: a comment API that answers badly, table-driven. The widget uses its
// default (reference server) adapter; each case answers the list request its own
// broken way. For every case: no uncaught exception, a clear message or a sensible
// partial render, a composer that still works, and the reader's draft intact.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { launch } from "./browser.mjs";
import { start } from "./servers/nested-offset.mjs";
import { siteDirFromEnv } from "./servers/paths.mjs";

const c = (id, extra = {}) => ({
  id, parent_id: null, author: "Lan", body: `Ý kiến ${id}`, created_at: "2024-01-18T10:30:00Z", status: "published", ...extra,
});
const page1 = (comments, extra = {}) => JSON.stringify({ comments, next_cursor: null, total: comments.length, ...extra });
const json = (body, status = 200) => ({ status, contentType: "application/json", body });

function chain(n) {
  const out = [c("n0")];
  for (let i = 1; i < n; i++) out.push(c(`n${i}`, { parent_id: `n${i - 1}` }));
  return out;
}

function nestedArray(depth) {
  return "[".repeat(depth) + "]".repeat(depth);
}

/// [name, reply (route.fulfill options | "abort:<reason>" | "api:<path on the side server>"), expected]
/// expected: "error" (the list's error message), "list:N" (N comments shown), "empty".
const CASES = [
  ["comments is a string", json(JSON.stringify({ comments: "none", next_cursor: null })), "error"],
  ["items are numbers", json(page1([1, 2, 3])), "empty"],
  ["id is an object", json(page1([c({ x: 1 }), c("ok")])), "list:1"],
  ["body is a number", json(page1([c("a", { body: 42 }), c("b")])), "list:1"],
  ["author is an array", json(page1([c("a", { author: ["x"] })])), "list:1"],
  ["body missing", json(page1([{ id: "a" }, c("b")])), "list:1"],
  ["id missing", json(page1([{ body: "x" }, c("b")])), "list:1"],
  ["null everywhere", json(JSON.stringify({ comments: [{ id: null, parent_id: null, author: null, body: null, created_at: null, status: null }, c("b")], next_cursor: null, total: null })), "list:1"],
  ["root is null", json("null"), "error"],
  ["root is an array", json("[]"), "error"],
  ["huge numbers", json(JSON.stringify({ comments: [c(1e300), c("b", { created_at: 1e308 }), c("c")], next_cursor: null, total: 1e308 })), "list:2"],
  ["dates in the wrong format", json(page1([c("a", { created_at: "hôm qua" }), c("b", { created_at: "2024-13-45T99:99:99Z" }), c("c", { created_at: 12345 })])), "list:3"],
  ["replies 1,000 levels deep", json(page1(chain(1000))), "list:1000"],
  ["JSON nested 100,000 levels", json(`{"comments":[],"next_cursor":null,"junk":${nestedArray(100000)}}`), "any"],
  ["a 10 MB body", json(page1([c("a"), c("b")], { padding: "x".repeat(10 * 1024 * 1024) })), "list:2"],
  ["10,000 comments", json(page1(Array.from({ length: 10000 }, (_, i) => c(`m${i}`)))), "list:10000"],
  ["duplicate ids", json(page1([c("a"), c("a"), c("b"), c("b", { parent_id: "a" })])), "list:2"],
  ["reply to a missing parent", json(page1([c("a"), c("r", { parent_id: "missing" })])), "list:2"],
  ["a parent cycle", json(page1([c("x", { parent_id: "y" }), c("y", { parent_id: "x" })])), "list:2"],
  ["JSON served as text/plain", { status: 200, contentType: "text/plain", body: page1([c("a")]) }, "list:1"],
  ["an HTML page with 200", { status: 200, contentType: "text/html", body: "<!doctype html><title>Maintenance</title>" }, "error"],
  ["an HTML page with 502", { status: 502, contentType: "text/html", body: "<h1>502 Bad Gateway</h1>" }, "error"],
  ["truncated JSON", json('{"comments":[{"id":"a","body":"cắt ngang'), "error"],
  ["an empty body", json(""), "error"],
  ["204 No Content", { status: 204, body: "" }, "error"],
  ["404 with a JSON error", json('{"error":{"code":"not_found","message":"no thread"}}', 404), "error"],
  ["429 Too Many Requests", json('{"error":{"code":"rate_limited"}}', 429), "error"],
  ["500 Internal Server Error", json('{"error":{"code":"internal"}}', 500), "error"],
  ["a byte-order mark before the JSON", json(`\ufeff${page1([c("a")])}`), "any"],
  ["lone surrogates in strings", json('{"comments":[{"id":"a","author":"\\ud800","body":"x\\udfff"}],"next_cursor":null}'), "list:1"],
  ["a cursor that never ends", json(JSON.stringify({ comments: [c("a")], next_cursor: "same", total: 99 })), "list:1"],
  ["a cursor that is an object", json(JSON.stringify({ comments: [c("a")], next_cursor: { page: 2 } })), "list:1"],
  ["connection reset", "abort:connectionreset", "error"],
  ["connection refused", "abort:connectionrefused", "error"],
  ["a redirect loop", "redirect-loop", "error"],
  ["a slow drip (3 s)", "api:/drip", "list:3"],
  ["CORS refused", "api:/nocors", "error"],
];

let browser;
let server;
let side;

before(async () => {
  server = await start({ siteDir: siteDirFromEnv() });
  // The side server: a different origin, for the slow drip (with CORS) and for a
  // CORS failure (without).
  side = createServer(async (req, res) => {
    if (req.url.startsWith("/drip/")) {
      res.writeHead(200, { "Content-Type": "application/json", "Access-Control-Allow-Origin": "*" });
      const body = page1([c("d1"), c("d2"), c("d3")]);
      const step = Math.ceil(body.length / 60);
      for (let i = 0; i < body.length; i += step) {
        res.write(body.slice(i, i + step));
        await new Promise((r) => setTimeout(r, 50));
      }
      return res.end();
    }
    res.writeHead(200, { "Content-Type": "application/json" }); // no CORS headers
    res.end(page1([c("a")]));
  });
  await new Promise((r) => side.listen(0, "127.0.0.1", r));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await new Promise((r) => side?.close(r) ?? r());
});

const DRAFT = "Bản nháp của bạn đọc, không được mất.";

for (const [name, reply, expected] of CASES) {
  test(`malformed API: ${name}`, async () => {
    const thread = "t-" + name.replace(/[^a-z0-9]+/gi, "-");
    const sideApi = typeof reply === "string" && reply.startsWith("api:");
    const api = sideApi ? `http://127.0.0.1:${side.address().port}${reply.slice(4)}` : "/mal";
    // No CSP here: a cross-origin API is part of the matrix; the widget's handling is
    // what is tested.
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    const pageErrors = [];
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    await page.addInitScript(
      ([key, draft]) => localStorage.setItem(key, draft),
      [`ykien:draft:${new TextEncoder().encode(thread).length}:${thread}`, DRAFT],
    );
    await page.route("**/mal/threads/**", async (route) => {
      if (reply === "redirect-loop") {
        return route.fulfill({ status: 302, headers: { Location: route.request().url() } });
      }
      if (typeof reply === "string" && reply.startsWith("abort:")) return route.abort(reply.slice(6));
      return route.fulfill(reply);
    });
    await page.goto(`${server.baseUrl}/fixtures/adapter-page.html?${new URLSearchParams({ api, thread, replies: "all" })}`);
    const host = page.locator("ykien-comments");
    // Settled: the list, the empty state or an error is on screen.
    await page.waitForFunction(
      () => {
        const root = document.querySelector("ykien-comments")?.shadowRoot;
        return !!root?.querySelector("li.comment, .comments-empty, .comments-error");
      },
      null,
      { timeout: 60_000 },
    );
    const shown = await page.evaluate(() => {
      const root = document.querySelector("ykien-comments").shadowRoot;
      return {
        items: root.querySelectorAll("li.comment").length,
        empty: !!root.querySelector(".comments-empty"),
        error: root.querySelector(".comments-error")?.textContent ?? null,
      };
    });
    if (expected === "error") {
      assert.match(shown.error ?? "", /Không tải được ý kiến\./, JSON.stringify(shown));
      assert.ok(await host.locator("button.comments-retry").isVisible(), "a retry is offered");
    } else if (expected === "empty") {
      assert.ok(shown.empty, JSON.stringify(shown));
    } else if (expected.startsWith("list:")) {
      assert.equal(shown.items, Number(expected.slice(5)), JSON.stringify(shown));
    }
    // Still usable, and nothing the reader typed was lost.
    const area = host.locator("textarea.composer-body");
    assert.equal(await area.inputValue(), DRAFT, "the draft is intact");
    await area.fill("Vẫn gõ được");
    assert.equal(await host.locator(".composer-counter").textContent(), "11 / 500 ký tự");
    assert.deepEqual(pageErrors, [], "no uncaught exception on the page");
    await context.close();
  });
}

test("the matrix is at least 30 cases", () => {
  assert.ok(CASES.length >= 30, `${CASES.length} cases`);
  console.log(`malformed API matrix: ${CASES.length} cases`);
});
