// End-to-end: the widget as a guest on real-looking news pages — light, dark and
// switching hosts (contrast measured from computed colours), three origins under a
// strict CSP, the loader's placeholders and their takeover, drafts across reloads and
// closed tabs, guest names, text size, render-mode dates, own comments on an
// oldest-first API, held and rejected comments, focus, CORS diagnostics and axe on
// the placeholder. Against YKIEN_BASE_URL (pages and fake APIs routed on its origin);
// the three-origin and CORS tests start their own servers (YKIEN_SERVER_BIN).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, BASE, fontSize } from "./browser.mjs";
import { STRICT_CSP, siteDirFromEnv } from "./servers/paths.mjs";
import { freePort, startReference } from "./servers/reference.mjs";
import {
  assertComposerUsable,
  comment,
  fakeApi,
  json,
  newsPage,
  recordViolationsAndShifts,
  routeDemo,
  routeFiles,
  until,
  watch,
} from "./servers/host-pages.mjs";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const SERVER_BIN = process.env.YKIEN_SERVER_BIN;
const SITE_DIR = siteDirFromEnv();

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function fresh(options = {}) {
  const context = await browser.newContext(options);
  await recordViolationsAndShifts(context);
  const page = await context.newPage();
  const seen = watch(page);
  return { context, page, seen, host: page.locator("ykien-comments") };
}

// ---- 7. Theme: contrast against what the widget is really drawn on ----

/// In the page, independently of the widget's code: for each element, its text colour
/// and the colour under it (every composed ancestor's background composited over
/// the canvas), and the WCAG contrast ratio of the two.
function contrasts(page, targets) {
  return page.evaluate((targets) => {
    const parse = (c) => {
      if (c === "transparent") return [0, 0, 0, 0];
      const m = /^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/.exec(c);
      if (!m) throw new Error(`unparsed colour ${c}`);
      return [+m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4]];
    };
    const over = (top, under) => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3])).concat(1);
    const lum = (c) => {
      const [r, g, b] = c.slice(0, 3).map((v) => {
        v /= 255;
        return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const up = (n) => n.parentElement ?? (n.parentNode instanceof ShadowRoot ? n.parentNode.host : null);
    // The canvas: dark only where the root's color-scheme lets the page be dark.
    const scheme = getComputedStyle(document.documentElement).colorScheme;
    const osDark = matchMedia("(prefers-color-scheme: dark)").matches;
    const darkCanvas = /dark/.test(scheme) && (!/light/.test(scheme) || osDark);
    const canvas = darkCanvas ? [18, 18, 18, 1] : [255, 255, 255, 1];
    const out = {};
    for (const [name, [hostSel, inner]] of Object.entries(targets)) {
      const el = document.querySelector(hostSel)?.shadowRoot?.querySelector(inner);
      if (!el) {
        out[name] = { missing: true };
        continue;
      }
      const layers = [];
      for (let n = el; n; n = up(n)) {
        const bg = parse(getComputedStyle(n).backgroundColor);
        if (bg[3] > 0) layers.push(bg);
        if (bg[3] >= 1) break;
      }
      let bg = canvas;
      for (const layer of layers.reverse()) bg = over(layer, bg);
      const fg = over(parse(getComputedStyle(el).color), bg);
      const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
      out[name] = {
        ratio: Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100,
        fg: fg.slice(0, 3).map(Math.round).join(","),
        bg: bg.slice(0, 3).map(Math.round).join(","),
      };
    }
    return out;
  }, targets);
}

const TEXTS = {
  heading: ["ykien-comments", "h2.comments-title"],
  author: ["ykien-comments", "li.comment .comment-author"],
  body: ["ykien-comments", "li.comment .comment-body"],
  counter: ["ykien-comments", ".composer-counter"],
  "A−": ["ykien-controls", ".fc-smaller"],
  "A+": ["ykien-controls", ".fc-larger"],
};

async function assertReadable(page, label) {
  const measured = await contrasts(page, TEXTS);
  const theme = await page.evaluate(() => [...document.querySelectorAll("ykien-comments, ykien-controls")].map((h) => h.getAttribute("theme")));
  console.log(`contrast ${label} (theme ${theme.join("/")}): ${Object.entries(measured).map(([k, v]) => `${k} ${v.ratio}`).join(", ")}`);
  for (const [name, m] of Object.entries(measured)) {
    assert.ok(!m.missing, `${label}: ${name} is on the page`);
    assert.ok(m.ratio >= 4.5, `${label}: ${name} has contrast ${m.ratio}:1 (text ${m.fg} on ${m.bg}), under 4.5:1`);
  }
  return theme;
}

const THEME_CSS = {
  // White, and nothing said about colour schemes: the page is light whatever the OS.
  light: "body { margin: 0 auto; max-width: 760px; padding: 16px; font: 17px/1.6 Georgia, serif; color: #1a1a1a; }",
  // Dark only.
  dark: ":root { color-scheme: dark; } body { margin: 0 auto; max-width: 760px; padding: 16px; background: #111; color: #eee; }",
  // A site theme switch: the class on <html> turns the page dark.
  toggle:
    "body { margin: 0 auto; max-width: 760px; padding: 16px; background: #fff; color: #1a1a1a; }\n" +
    "html.dark { color-scheme: dark; } html.dark body { background: #111; color: #eee; }",
};

async function themePage(kind, colorScheme) {
  const d = await fresh({ colorScheme });
  await routeFiles(d.context, {
    [`/__host/${kind}.css`]: { body: THEME_CSS[kind], type: "text/css" },
    [`/__host/${kind}.html`]: {
      body: newsPage({
        css: `/__host/${kind}.css`,
        attrs: { article: "#article-body", controls: "#ykien-controls", mount: "#ykien", api: "/api/v1", thread: "demo", load: "eager" },
      }),
      headers: { "Content-Security-Policy": STRICT_CSP },
    },
  });
  await d.page.goto(`${BASE}/__host/${kind}.html`);
  await d.host.locator("li.comment .comment-body").first().waitFor();
  await d.page.locator("ykien-controls .fc-larger").waitFor();
  return d;
}

test("theme: a light-only page under a dark OS keeps the widget readable", async () => {
  const { context, page, seen } = await themePage("light", "dark");
  const theme = await assertReadable(page, "light page, dark OS");
  assert.deepEqual(theme, ["light", "light"]);
  assert.deepEqual(seen.pageErrors, []);
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  await context.close();
});

test("theme: a dark-only page under a light OS keeps the widget readable", async () => {
  const { context, page, seen } = await themePage("dark", "light");
  const theme = await assertReadable(page, "dark page, light OS");
  assert.deepEqual(theme, ["dark", "dark"]);
  assert.deepEqual(seen.pageErrors, []);
  await context.close();
});

test("theme: a page that toggles a dark class on <html> keeps the widget readable before and after", async () => {
  const { context, page, seen } = await themePage("toggle", "light");
  await assertReadable(page, "toggle page, before");
  await page.evaluate(() => document.documentElement.classList.add("dark"));
  await page.waitForFunction(() => document.querySelector("ykien-comments").getAttribute("theme") === "dark", null, { timeout: 3000 });
  await assertReadable(page, "toggle page, after");
  await page.evaluate(() => document.documentElement.classList.remove("dark"));
  await page.waitForFunction(() => document.querySelector("ykien-comments").getAttribute("theme") === "light", null, { timeout: 3000 });
  await assertReadable(page, "toggle page, back");
  assert.deepEqual(seen.pageErrors, []);
  await context.close();
});

// ---- 8. Three origins under a strict CSP ----

test("three origins: page on A, widget files on B, API on C, strict CSP — controls, comments and posting work, and the .wasm travels precompressed", async () => {
  assert.ok(SERVER_BIN, "YKIEN_SERVER_BIN is set");
  const dirs = [mkdtempSync(join(tmpdir(), "ykien-e2e-b-")), mkdtempSync(join(tmpdir(), "ykien-e2e-c-"))];
  const [portA, portB, portC] = [await freePort(), await freePort(), await freePort()];
  const A = `http://127.0.0.1:${portA}`;
  const B = `http://127.0.0.1:${portB}`;
  const C = `http://127.0.0.1:${portC}`;
  const csp = `default-src 'self'; script-src ${B} 'wasm-unsafe-eval'; connect-src ${B} ${C}; style-src 'self'; img-src 'self' data:`;
  const css = "body { margin: 0 auto; max-width: 760px; padding: 16px; font: 17px/1.6 Georgia, serif; } #article-body p { font-size: 17px; }";
  const html = newsPage({ css: "/site.css" }).replace(
    /<script src="\/dist\/ykien\.js" async><\/script>/,
    `<script src="${B}/dist/ykien.js" async data-article="#article-body" data-controls="#ykien-controls" data-mount="#ykien" data-api="${C}/api/v1" data-thread="demo" data-load="eager"></script>`,
  );
  const siteA = createServer((req, res) => {
    if (req.url === "/site.css") {
      res.writeHead(200, { "Content-Type": "text/css" });
      return res.end(css);
    }
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": csp });
    res.end(html);
  });
  await new Promise((r) => siteA.listen(portA, "127.0.0.1", r));
  const servers = [];
  try {
    servers.push(await startReference({ serverBin: SERVER_BIN, siteDir: SITE_DIR, dataDir: dirs[0], port: portB }));
    servers.push(await startReference({ serverBin: SERVER_BIN, siteDir: SITE_DIR, dataDir: dirs[1], port: portC, extraArgs: ["--allowed-origins", A] }));
    const { context, page, seen, host } = await fresh();
    const wasmRequests = [];
    page.on("request", async (r) => {
      if (r.url().endsWith(".wasm")) wasmRequests.push(await r.allHeaders());
    });
    await page.goto(A + "/");
    const larger = page.locator("ykien-controls .fc-larger");
    await larger.waitFor({ timeout: 15_000 }).catch(() => {
      throw new Error(`the controls never appeared; console errors: ${JSON.stringify(seen.errors)}`);
    });
    const paragraph = page.locator("#article-body p").first();
    assert.equal(await fontSize(paragraph), 17);
    await larger.click();
    await until(async () => (await fontSize(paragraph)) === 19.125, 5000, "the article at 112.5%");
    await host.locator("li.comment").first().waitFor();
    const text = `Gửi qua ba nguồn gốc ${Date.now()}`;
    await host.locator("textarea.composer-body").first().fill(text);
    await host.locator("button.composer-send").first().click();
    await host.locator("ol.comment-list > li.comment").first().locator(".comment-body", { hasText: text }).waitFor();
    const stored = await (await fetch(`${C}/api/v1/threads/demo/comments?limit=5`)).json();
    assert.ok(stored.comments.some((c) => c.body === text), "stored on C");
    assert.deepEqual(await page.evaluate(() => window.__csp), [], "no CSP violations");
    assert.deepEqual(seen.pageErrors, []);

    // The wire size of the .wasm is the precompressed file's.
    const entry = await page.evaluate(() =>
      performance.getEntriesByType("resource").filter((e) => e.name.endsWith(".wasm")).map((e) => ({ name: e.name, encoded: e.encodedBodySize, decoded: e.decodedBodySize }))[0],
    );
    const dist = join(SITE_DIR, "dist");
    const wasm = readdirSync(dist).find((f) => /^ykien-[0-9a-f]+\.wasm$/.test(f));
    const br = join(dist, `${wasm}.br`);
    let brSize = null;
    try {
      brSize = statSync(br).size;
    } catch {
      /* not built */
    }
    console.log(`three origins: .wasm ${JSON.stringify(entry)}, Accept-Encoding ${wasmRequests[0]?.["accept-encoding"]}, ${wasm}.br ${brSize ?? "missing"} bytes`);
    assert.ok(brSize !== null, `${br} exists (xtask dist writes precompressed files)`);
    assert.equal(entry?.encoded, brSize, "the .wasm's encodedBodySize is the size of its .br file");
    await context.close();
  } finally {
    for (const s of servers) await s.stop();
    await new Promise((r) => siteA.close(r));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});

// ---- 9. Loader placeholders and the takeover ----

/// Holds every request matching `pattern` until `release()`; `abort` fails them instead.
async function hold(target, pattern) {
  let release;
  const gate = new Promise((r) => (release = r));
  const seen = [];
  await target.route(pattern, async (route) => {
    seen.push(route.request().url());
    const how = await gate;
    if (how === "abort") await route.abort("failed");
    else await route.continue();
  });
  return { release: () => release("go"), abort: () => release("abort"), seen };
}

function commentBoxes(page) {
  return page.evaluate(() => {
    const host = document.querySelector("ykien-comments");
    const root = host?.shadowRoot;
    const box = (el) => {
      if (!el) return null;
      const b = el.getBoundingClientRect();
      return { x: b.x + scrollX, y: b.y + scrollY, w: b.width, h: b.height };
    };
    return {
      host: box(host),
      heading: box(root?.querySelector("h2.comments-title")),
      name: box(root?.querySelector("input.composer-name")),
      textarea: box(root?.querySelector("textarea.composer-body")),
      send: box(root?.querySelector("button.composer-send")),
      loading: box(root?.querySelector(".comments-loading")),
    };
  });
}

function assertSameBoxes(before, after, label) {
  const deltas = {};
  for (const [name, b] of Object.entries(before)) {
    assert.ok(b && after[name], `${label}: ${name} is there before and after`);
    const d = Math.max(...["x", "y", "w", "h"].map((k) => Math.abs(after[name][k] - b[k])));
    deltas[name] = Math.round(d * 100) / 100;
  }
  console.log(`takeover box deltas ${label}: ${JSON.stringify(deltas)}`);
  for (const [name, d] of Object.entries(deltas)) assert.ok(d <= 0.5, `${label}: ${name} moved or resized by ${d}px`);
}

for (const width of [1280, 360]) {
  test(`loading state before the module, ${width} px: placeholder at once, nothing moves at takeover, typed text kept`, async () => {
    const { context, page, seen, host } = await fresh({ viewport: { width, height: 800 } });
    const wasm = await hold(context, "**/dist/*.wasm");
    const list = await hold(context, "**/api/v1/threads/*/comments*");
    await page.goto(BASE + "/");
    const loading = host.locator(".comments-loading");
    await loading.waitFor({ state: "attached", timeout: 3000 });
    assert.equal(await host.locator("h2.comments-title").textContent(), "Ý kiến ()");
    assert.ok(await host.locator("h2.comments-title.is-placeholder").count());
    assert.match(await loading.textContent(), /Đang tải dữ liệu…/);
    assert.equal(await host.locator("section.comments").getAttribute("aria-busy"), "true");
    assert.equal(await host.locator("textarea.composer-body").getAttribute("id"), null, "the loader's placeholder");
    assert.equal(wasm.seen.length, 1, "the .wasm is still on its way");

    const area = host.locator("textarea.composer-body");
    await area.scrollIntoViewIfNeeded();
    await area.click();
    const typed = "Gõ trước khi mô-đun tải xong";
    await page.keyboard.type(typed);
    assert.equal(await host.locator(".composer-counter").textContent(), `${[...typed].length} / 500 ký tự`);
    await page.waitForTimeout(700); // past the 500 ms in which shifts count as caused by input
    const before = await commentBoxes(page);
    const clsBefore = await page.evaluate(() => window.__cls);
    wasm.release();
    await host.locator("textarea.composer-body[id]").waitFor({ timeout: 15_000 });
    await page.locator("ykien-controls .fc-larger").waitFor();
    await page.waitForTimeout(300);
    const after = await commentBoxes(page);
    const cls = (await page.evaluate(() => window.__cls)) - clsBefore;
    assertSameBoxes(before, after, `${width} px`);
    console.log(`layout shift at takeover, ${width} px: ${cls}`);
    assert.equal(cls, 0, "no layout shift at takeover");
    assert.equal(await host.locator("textarea.composer-body").inputValue(), typed, "the typed text is in the module's textarea");
    assert.equal(list.seen.length, 1, "the module asked for the list");
    list.release();
    await host.locator("li.comment").first().waitFor();
    assert.equal(await host.locator("textarea.composer-body").inputValue(), typed);
    assert.deepEqual(seen.pageErrors, []);
    await context.close();
  });
}

test("loading state in render mode: the <ykien-article> placeholder has the module's loading box", async () => {
  const { context, page, seen } = await fresh({ viewport: { width: 1280, height: 800 } });
  const wasm = await hold(context, "**/dist/*.wasm");
  const article = await hold(context, "**/demo/article.json");
  await page.goto(BASE + "/demo/render.html");
  const state = page.locator("ykien-article .article-state.loading");
  await state.waitFor({ timeout: 3000 });
  assert.match(await state.textContent(), /Đang tải dữ liệu…/);
  const boxes = () =>
    page.evaluate(() => {
      const host = document.querySelector("ykien-article");
      const b = (el) => {
        const r = el.getBoundingClientRect();
        return { x: r.x, y: r.y + scrollY, w: r.width, h: r.height };
      };
      return { host: b(host), state: b(host.shadowRoot.querySelector(".article-state")) };
    });
  const before = await boxes();
  assert.ok(before.state.h >= 240, `a 240 px loading state (${before.state.h})`);
  wasm.release();
  await until(() => article.seen.length === 1, 15_000, "the module's article request");
  await page.waitForTimeout(300);
  assertSameBoxes(before, await boxes(), "render mode");
  article.release();
  await page.locator("ykien-article h2.article-title").waitFor();
  assert.deepEqual(seen.pageErrors, []);
  await context.close();
});

for (const [path, lang, message] of [
  ["/", "vi", "Không tải được phần bình luận và công cụ đọc. Vui lòng tải lại trang."],
  ["/demo/en.html", "en", "Comments and reading tools could not be loaded. Please reload the page."],
]) {
  test(`the .wasm never arrives (${lang}): a message in the slot, the site's article untouched`, async () => {
    const { context, page, seen, host } = await fresh();
    const wasm = await hold(context, "**/dist/*.wasm");
    await page.goto(BASE + path);
    await host.locator(".comments-loading").waitFor({ state: "attached" });
    const articleBefore = await page.locator("#article-body").innerHTML();
    wasm.abort();
    const failed = host.locator("p.crashed");
    await failed.waitFor({ state: "attached", timeout: 10_000 });
    assert.equal(await failed.textContent(), message);
    assert.equal(await host.locator(".comments-loading").count(), 0, "no longer saying it is loading");
    assert.equal(await page.locator("#article-body").innerHTML(), articleBefore, "the article's own HTML is unchanged");
    assert.deepEqual(seen.pageErrors, []);
    await context.close();
  });
}

// ---- 10. Drafts ----

async function moduleComposer(page, host) {
  await page.goto(BASE + "/");
  await host.scrollIntoViewIfNeeded();
  const area = host.locator("textarea.composer-body[id]").first();
  await area.waitFor();
  return area;
}

test("drafts: a reload 50 ms after the last key, and a closed tab, keep the text", async () => {
  const { context, page, host } = await fresh();
  let area = await moduleComposer(page, host);
  await area.click();
  const first = "Gõ xong tải lại ngay";
  await page.keyboard.type(first);
  await page.waitForTimeout(50);
  await page.reload();
  area = host.locator("textarea.composer-body[id]").first();
  await host.scrollIntoViewIfNeeded();
  await area.waitFor();
  assert.equal(await area.inputValue(), first, "back after the reload");

  await area.click();
  await page.keyboard.press("Control+A");
  const second = "Gõ xong đóng thẻ ngay";
  await page.keyboard.type(second);
  const closed = page.waitForEvent("close");
  await page.close({ runBeforeUnload: true });
  await closed;
  const next = await context.newPage();
  const nextHost = next.locator("ykien-comments");
  const again = await moduleComposer(next, nextHost);
  assert.equal(await again.inputValue(), second, "back in a new tab");
  await context.close();
});

// ---- 11. Guest names ----

test("guest names: a comment without a name reads 'Khách' in Vietnamese and 'Guest' in English", async () => {
  const body = `Bình luận không tên ${Date.now()}`;
  const post = () =>
    fetch(`${BASE}/api/v1/threads/demo/comments`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ author: "", body }),
    });
  let res = await post();
  if (res.status === 429) {
    // The shared server's rate limit, reached by earlier suites: wait as it asks.
    await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get("retry-after") ?? 6)));
    res = await post();
  }
  assert.equal(res.status, 201);
  for (const [path, name] of [["/", "Khách"], ["/demo/en.html", "Guest"]]) {
    const { context, page, host } = await fresh();
    await page.goto(BASE + path);
    await host.scrollIntoViewIfNeeded();
    const item = host.locator("li.comment", { has: page.locator(".comment-body", { hasText: body }) }).first();
    await item.waitFor();
    assert.equal(await item.locator(".comment-author").first().textContent(), name, path);
    await context.close();
  }
});

// ---- 12. Text size reaches the comments ----

test("A+ enlarges the comments and the composer too, remembered; data-scale-comments=off keeps them", async () => {
  const sizes = (host) =>
    Promise.all([
      fontSize(host.locator("li.comment .comment-body").first()),
      fontSize(host.locator("textarea.composer-body").first()),
      fontSize(host.locator("li.comment .comment-author").first()),
    ]);
  {
    const { context, page, host } = await fresh();
    await page.goto(BASE + "/");
    await host.scrollIntoViewIfNeeded();
    await host.locator("li.comment").first().waitFor();
    assert.deepEqual(await sizes(host), [16, 16, 15]);
    await page.locator("ykien-controls .fc-larger").click();
    await until(async () => (await sizes(host))[0] === 18, 3000, "comment bodies at 18 px");
    assert.deepEqual(await sizes(host), [18, 18, 16.875]);
    await page.reload();
    await host.scrollIntoViewIfNeeded();
    await host.locator("li.comment").first().waitFor();
    assert.deepEqual(await sizes(host), [18, 18, 16.875], "remembered after a reload");
    await context.close();
  }
  {
    const { context, page, host } = await fresh();
    await routeDemo(context, { set: { "data-scale-comments": "off" } });
    await page.goto(BASE + "/");
    await host.scrollIntoViewIfNeeded();
    await host.locator("li.comment").first().waitFor();
    const paragraph = page.locator("#article-body p").nth(1);
    await page.locator("ykien-controls .fc-larger").click();
    await until(async () => (await fontSize(paragraph)) === 19.125, 3000, "the article at 112.5%");
    assert.deepEqual(await sizes(host), [16, 16, 15], "the comments keep their size");
    await context.close();
  }
});

// ---- 13. Render-mode dates ----

test("render mode prints the publication time in the article's own offset, whatever the reader's time zone", async () => {
  const published = JSON.parse(readFileSync(join(SITE_DIR, "demo/article.json"), "utf8")).published_at;
  assert.equal(published, "2024-01-20T08:15:00+07:00", "demo/article.json as this test expects");
  {
    const { context, page } = await fresh({ timezoneId: "America/New_York" });
    await page.goto(BASE + "/demo/render.html");
    const time = page.locator("ykien-article .article-meta time");
    await time.waitFor();
    assert.equal(await time.textContent(), "Thứ Bảy, 20/01/2024 | 08:15 [GMT +7]");
    assert.equal(await time.getAttribute("datetime"), published);
    await context.close();
  }
  for (const [lang, expected] of [
    ["vi", "Thứ Năm, 18/01/2024 | 10:52 [GMT +7]"],
    ["en", "Thursday, 18/01/2024 | 10:52 [GMT +7]"],
  ]) {
    const { context, page } = await fresh({ timezoneId: "America/New_York" });
    await routeDemo(context, { path: "/demo/render.html", set: { "data-lang": lang } });
    await context.route(BASE + "/demo/article.json", (route) =>
      route.fulfill(json({ title: "Kỳ họp HĐND", published_at: "2024-01-18T10:52:32+07:00", author: "Phạm Thu Hằng", body_html: "<p>Nội dung</p>" })),
    );
    await page.goto(BASE + "/demo/render.html");
    const time = page.locator("ykien-article .article-meta time");
    await time.waitFor();
    assert.equal(await time.textContent(), expected);
    await context.close();
  }
});

// ---- 14. Own comment on an oldest-first API ----

test("oldest-first API: the reader's comment is last, and shown once after every page is loaded", async () => {
  const { context, page, seen, host } = await fresh();
  const adapter = {
    order: "oldest",
    list: { query: {}, paging: { type: "page", param: "page", first: 1, size: 3, sizeParam: "per_page" }, items: "comments", total: "total" },
  };
  await routeDemo(context, { set: { "data-api": "/fake", "data-thread": "oldest", "data-load": "eager", "data-adapter": JSON.stringify(adapter) } });
  const stored = Array.from({ length: 8 }, (_, i) => comment(`o${i + 1}`, { created_at: `2024-01-18T10:${String(10 + i).padStart(2, "0")}:00Z` }));
  const api = await fakeApi(context, "/fake", (r) => {
    if (r.method === "POST") {
      const sent = JSON.parse(r.body);
      const c = comment(`o${stored.length + 1}`, { body: sent.body, author: sent.author, created_at: new Date().toISOString() });
      stored.push(c);
      return json({ comment: c }, 201);
    }
    const p = Number(r.url.searchParams.get("page"));
    const size = Number(r.url.searchParams.get("per_page"));
    return json({ comments: stored.slice((p - 1) * size, p * size), total: stored.length });
  });
  await page.goto(BASE + "/");
  await host.locator("li.comment").nth(2).waitFor();
  const text = `Ý kiến của tôi, cũ trước mới sau ${Date.now()}`;
  await host.locator("textarea.composer-body").first().fill(text);
  await host.locator("button.composer-send").first().click();
  await host.locator(".comment-body", { hasText: text }).waitFor();
  const ids = () => host.locator("ol.comment-list > li.comment").evaluateAll((els) => els.map((e) => e.querySelector(".comment-body").textContent));
  assert.equal((await ids()).at(-1), text, "at the end of what is loaded");
  for (let i = 0; i < 5 && (await host.locator("button.comments-more").count()); i++) {
    const n = (await ids()).length;
    await host.locator("button.comments-more").click();
    await until(async () => (await ids()).length !== n || !(await host.locator("button.comments-more").count()), 5000, "the next page");
    await page.waitForTimeout(100);
  }
  assert.equal(await host.locator("button.comments-more").count(), 0, "every page is loaded");
  const shown = await ids();
  console.log(`oldest-first: ${api.gets().length} pages read, ${shown.length} comments shown`);
  assert.equal(shown.filter((b) => b === text).length, 1, "shown exactly once");
  assert.equal(shown.at(-1), text, "last, where the API lists it");
  assert.equal(shown.length, 9);
  assert.deepEqual(seen.pageErrors, []);
  await context.close();
});

// ---- 15. Held, then rejected, told once ----

test("a held comment's token goes back to the API; rejected is shown once as 'Không được duyệt', then forgotten", async () => {
  const { context, page, seen, host } = await fresh();
  await routeDemo(context, { set: { "data-api": "/fake", "data-thread": "held", "data-load": "eager" } });
  const text = `Ý kiến chờ duyệt ${Date.now()}`;
  const mine = (status) => comment("h1", { body: text, author: "Bạn đọc", created_at: "2024-01-18T11:00:00.000Z", status });
  let verdict = "pending";
  const api = await fakeApi(context, "/fake", (r) => {
    if (r.method === "POST") return json({ comment: mine("pending"), pending_token: "tok1" }, 202);
    const tokens = (r.url.searchParams.get("pending") ?? "").split(",");
    const list = [comment("p1"), ...(tokens.includes("tok1") ? [mine(verdict)] : [])];
    return json({ comments: list, next_cursor: null, total: 1 });
  });
  await page.goto(BASE + "/");
  await host.locator("li.comment").first().waitFor();
  assert.equal(api.gets()[0].url.searchParams.get("pending"), null, "no token before there is one");
  await host.locator("textarea.composer-body").first().fill(text);
  await host.locator("button.composer-send").first().click();
  await host.locator("li.comment.is-pending .comment-body", { hasText: text }).waitFor();

  const load = async () => {
    const n = api.gets().length;
    await page.reload();
    await host.locator("li.comment").first().waitFor();
    await until(() => api.gets().length > n, 5000, "the list request");
    return api.gets().at(-1).url;
  };
  let url = await load();
  assert.equal(url.searchParams.get("pending"), "tok1", `the token is sent back: ${url.search}`);
  const item = host.locator("li.comment", { has: page.locator(".comment-body", { hasText: text }) });
  await item.waitFor();
  assert.match(await item.textContent(), /Đang chờ duyệt/);

  verdict = "rejected";
  url = await load();
  assert.equal(url.searchParams.get("pending"), "tok1");
  await item.waitFor();
  assert.equal(await item.count(), 1, "shown once");
  assert.match(await item.getAttribute("class"), /\bis-rejected\b/);
  assert.match(await item.textContent(), /Không được duyệt/);

  url = await load();
  assert.equal(url.searchParams.get("pending"), null, `the token is forgotten: ${url.search}`);
  await page.waitForTimeout(200);
  assert.equal(await item.count(), 0, "the rejected comment is not shown again");
  assert.deepEqual(seen.pageErrors, []);
  await context.close();
});

// ---- 16. Focus ----

/// Colours at viewport points, from a screenshot decoded by the browser itself.
async function pixelsAt(page, points) {
  const png = await page.screenshot();
  const scratch = await browser.newPage();
  try {
    return await scratch.evaluate(
      async ([b64, points]) => {
        const blob = await (await fetch(`data:image/png;base64,${b64}`)).blob();
        const bmp = await createImageBitmap(blob);
        const canvas = new OffscreenCanvas(bmp.width, bmp.height);
        const g = canvas.getContext("2d");
        g.drawImage(bmp, 0, 0);
        return points.map(([x, y]) => [...g.getImageData(x, y, 1, 1).data.slice(0, 3)]);
      },
      [png.toString("base64"), points],
    );
  } finally {
    await scratch.close();
  }
}

const activeInWidget = (page) =>
  page.evaluate(() => {
    const el = document.querySelector("ykien-comments")?.shadowRoot?.activeElement;
    return el ? { tag: el.localName, cls: el.className, id: el.getAttribute("data-id"), tabindex: el.getAttribute("tabindex") } : null;
  });

test("focus: the Reply button's focus ring is inside the item's paint clip, and drawn", async () => {
  const { context, page, host } = await fresh({ viewport: { width: 1280, height: 800 } });
  await page.goto(BASE + "/");
  await host.scrollIntoViewIfNeeded();
  await host.locator("li.comment").first().waitFor();
  await host.locator("textarea.composer-body").first().click();
  let onReply = false;
  for (let i = 0; i < 10 && !onReply; i++) {
    await page.keyboard.press("Tab");
    onReply = (await activeInWidget(page))?.cls.includes("comment-reply") ?? false;
  }
  assert.ok(onReply, "Tab reaches a Trả lời button");
  const geo = await page.evaluate(() => {
    const button = document.querySelector("ykien-comments").shadowRoot.activeElement;
    const li = button.closest("li.comment");
    const b = button.getBoundingClientRect();
    const l = li.getBoundingClientRect();
    const bs = getComputedStyle(button);
    const ls = getComputedStyle(li);
    const ring = parseFloat(bs.outlineOffset) + parseFloat(bs.outlineWidth);
    const margin = parseFloat(ls.overflowClipMargin) || 0;
    return {
      ring: { left: b.left - ring, top: b.top - ring, right: b.right + ring, bottom: b.bottom + ring },
      clip: { left: l.left - margin, top: l.top - margin, right: l.right + margin, bottom: l.bottom + margin },
      button: { left: b.left, top: b.top, right: b.right, bottom: b.bottom },
      outline: `${bs.outlineStyle} ${bs.outlineWidth} offset ${bs.outlineOffset}, color ${bs.outlineColor}`,
      contentVisibility: ls.contentVisibility,
      clipMargin: ls.overflowClipMargin,
    };
  });
  console.log(`focus ring ${JSON.stringify(geo.ring)} in clip ${JSON.stringify(geo.clip)} (${geo.outline}; li content-visibility ${geo.contentVisibility}, overflow-clip-margin ${geo.clipMargin})`);
  assert.notEqual(geo.outline.split(" ")[0], "none", "a focus ring is drawn");
  for (const side of ["left", "top"]) assert.ok(geo.ring[side] >= geo.clip[side], `ring ${side} ${geo.ring[side]} is inside the clip (${geo.clip[side]})`);
  for (const side of ["right", "bottom"]) assert.ok(geo.ring[side] <= geo.clip[side], `ring ${side} ${geo.ring[side]} is inside the clip (${geo.clip[side]})`);

  // On screen: the ring's left edge (3 px wide, 2 px off the button) has the accent colour.
  const y = Math.round((geo.button.top + geo.button.bottom) / 2);
  const [left, gap] = await pixelsAt(page, [
    [Math.floor(geo.button.left - 3.5), y],
    [Math.floor(geo.button.left - 1), y],
  ]);
  const accent = [0x0b, 0x57, 0xd0];
  const near = (a, b) => a.every((v, i) => Math.abs(v - b[i]) <= 40);
  console.log(`focus ring pixels: left edge ${left}, gap ${gap}`);
  assert.ok(near(left, accent), `the ring's left edge is drawn (pixel ${left}, accent ${accent})`);
  assert.ok(!near(gap, accent), `the 2 px offset is not (pixel ${gap})`);
  await context.close();
});

/// A cursor-paged thread of `count` top-level comments, 10 a page.
async function pagedThread(context, thread, count) {
  await routeDemo(context, { set: { "data-api": "/fake", "data-thread": thread, "data-load": "eager" } });
  const all = Array.from({ length: count }, (_, i) => comment(`k${i}`));
  return fakeApi(context, "/fake", (r) => {
    const from = Number(r.url.searchParams.get("cursor") ?? 0);
    const next = from + 10 < count ? String(from + 10) : null;
    return json({ comments: all.slice(from, from + 10), next_cursor: next, total: count });
  });
}

async function tabTo(page, cls, max = 120) {
  for (let i = 0; i < max; i++) {
    const a = await activeInWidget(page);
    if (a?.cls.split(" ").includes(cls)) return i;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached .${cls}`);
}

async function enterUntilGone(page, host) {
  const trail = [];
  for (let round = 0; round < 10 && (await host.locator("button.comments-more").count()); round++) {
    const n = await host.locator("ol.comment-list > li.comment").count();
    const on = await activeInWidget(page);
    const outside = await page.evaluate(() => document.activeElement?.localName ?? "nothing");
    trail.push(on?.cls ?? `(focus on <${outside}>)`);
    assert.ok(
      on?.cls.includes("comments-more"),
      `before Enter ${round + 1}, focus is on Xem thêm; it is on ${on ? JSON.stringify(on) : `<${outside}>, outside the widget`} (after: ${trail.join(" → ")})`,
    );
    await page.keyboard.press("Enter");
    await until(async () => (await host.locator("ol.comment-list > li.comment").count()) > n, 5000, "the next page");
    await until(async () => (await host.locator(".comments-more-status").count()) === 0, 5000, "loading done");
  }
  return trail;
}

test("focus, keyboard only: Enter on 'Xem thêm' until the last page puts focus on its first comment (2 pages)", async () => {
  const { context, page, seen, host } = await fresh();
  await pagedThread(context, "keys-2", 15);
  await page.goto(BASE + "/");
  await host.locator("li.comment").first().waitFor();
  await tabTo(page, "comments-more");
  await enterUntilGone(page, host);
  const active = await activeInWidget(page);
  assert.deepEqual(active, { tag: "li", cls: "comment", id: "k10", tabindex: "-1" }, "the first comment of the last page has focus");
  assert.deepEqual(seen.pageErrors, []);
  await context.close();
});

test("focus, keyboard only: Enter on 'Xem thêm' through three pages, the reader keeps their place", async () => {
  const { context, page, seen, host } = await fresh();
  await pagedThread(context, "keys-3", 25);
  await page.goto(BASE + "/");
  await host.locator("li.comment").first().waitFor();
  await tabTo(page, "comments-more");
  await enterUntilGone(page, host);
  assert.deepEqual(await activeInWidget(page), { tag: "li", cls: "comment", id: "k20", tabindex: "-1" });
  assert.deepEqual(seen.pageErrors, []);
  await context.close();
});

// ---- 17. CORS diagnostics ----

test("CORS: a cross-origin API without CORS headers gets a console line that says what to allow", async () => {
  assert.ok(SERVER_BIN, "YKIEN_SERVER_BIN is set");
  const dataDir = mkdtempSync(join(tmpdir(), "ykien-e2e-cors-"));
  const port = await freePort();
  const other = `http://127.0.0.1:${port}`;
  const server = await startReference({ serverBin: SERVER_BIN, siteDir: SITE_DIR, dataDir, port });
  try {
    const { context, page, seen, host } = await fresh();
    await routeDemo(context, {
      set: { "data-api": `${other}/api/v1`, "data-load": "eager" },
      csp: STRICT_CSP.replace("connect-src 'self'", `connect-src 'self' ${other}`),
    });
    await page.goto(BASE + "/");
    await host.locator(".comments-error").waitFor({ timeout: 10_000 });
    const listLine = seen.errors.find((e) => e.includes("another origin than this page"));
    console.log(`CORS console line (list): ${listLine}`);
    assert.ok(listLine, `a console error names the other origin: ${JSON.stringify(seen.errors)}`);
    assert.match(listLine, /Access-Control-Allow-Origin/);
    assert.ok(listLine.includes(other), "it names the API's origin");

    const n = seen.errors.length;
    await host.locator("textarea.composer-body").first().fill("Gửi sang máy chủ khác nguồn");
    await host.locator("button.composer-send").first().click();
    await host.locator(".composer-error").waitFor({ timeout: 10_000 });
    const postLine = seen.errors.slice(n).find((e) => e.includes("another origin than this page"));
    console.log(`CORS console line (create): ${postLine}`);
    assert.ok(postLine, `a console error for the create: ${JSON.stringify(seen.errors.slice(n))}`);
    for (const h of ["Access-Control-Allow-Origin", "Content-Type", "Idempotency-Key"]) assert.ok(postLine.includes(h), `it names ${h}`);
    assert.deepEqual(await page.evaluate(() => window.__csp), [], "a CORS failure, not a CSP one");
    assert.equal(await host.locator("textarea.composer-body").first().inputValue(), "Gửi sang máy chủ khác nguồn", "the text is kept");
    await assertComposerUsable(host);
    assert.deepEqual(seen.pageErrors, []);
    await context.close();
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

// ---- 18. axe on the placeholder ----

for (const [path, colorScheme] of [["/", "light"], ["/demo/en.html", "dark"]]) {
  test(`axe: the loader's placeholder state has no serious or critical violations (${path}, ${colorScheme})`, async () => {
    const { context, page, host } = await fresh({ colorScheme });
    const wasm = await hold(context, "**/dist/*.wasm");
    await page.goto(BASE + path);
    await host.locator(".comments-loading").waitFor();
    assert.equal(await host.locator("textarea.composer-body").getAttribute("id"), null, "still the placeholder");
    await page.evaluate(AXE_SOURCE);
    const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
    const found = results.violations
      .map((v) => ({
        id: v.id,
        impact: v.impact,
        nodes: v.nodes.filter((n) => JSON.stringify(n.target).includes("ykien-")).map((n) => `${JSON.stringify(n.target)} ${n.failureSummary}`),
      }))
      .filter((v) => v.nodes.length > 0 && (v.impact === "serious" || v.impact === "critical"));
    assert.deepEqual(found, []);
    wasm.release();
    await context.close();
  });
}
