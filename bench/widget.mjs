// Widget benchmark: what the comment section costs the reader's browser with a big
// thread. Run by `cargo xtask bench widget` (which builds and assembles the site), or
// by hand: `YKIEN_SITE_DIR=target/site node bench/widget.mjs [--runs=5]`.
//
// Set-up: the forum-style test API (e2e/servers/nested-offset.mjs) serves a generated
// thread of 1,000 comments (600 top-level, 400 replies two levels deep) in ONE
// response, through the shipped adapters/nested-offset.json with `paging: none`; the
// page is e2e/fixtures/adapter-page.html (strict CSP). Debian's Chromium, headless,
// driven over CDP by playwright-core.
//
// Measured (main-thread times come from a Chromium trace, see bench/trace.mjs for
// why CDP ScriptDuration cannot be used: it misses microtask work, which is where
// the widget runs after a response and re-renders after input):
// - render: the API holds the list request until the widget is idle and waiting for
//   it, so nothing else runs during the measurement. Then:
//     wall time   = "painted" − the list response's responseEnd (Resource Timing);
//                   "painted" is a message posted from the first animation frame in
//                   which 1,000 li.comment exist, handled right after that frame's
//                   style, layout and paint;
//     scripting   = the page's JavaScript and wasm on the main thread until then
//                   (JSON parsing, adapter mapping, sanitizing, Yew diffing, DOM
//                   calls), this harness's own probes excluded;
//     rendering   = style, layout, paint and commit on the main thread.
//   Tracing slows the page down, so wall time (and memory) come from N untraced
//   runs and the breakdown from N more, traced. Medians; every run in a fresh
//   browser context; HTML bodies (the adapter as shipped, through the sanitizer)
//   and text bodies (bodyFormat "text").
// - keystroke: with the 1,000 comments rendered, 200 characters typed one at a time
//   into textarea.composer-body (Vietnamese; letters outside the US layout arrive
//   through Input.insertText, as an IME commits them). Each keystroke is followed by
//   a frame and a user-timing mark; the page's scripting between two marks is that
//   keystroke's cost. p50 / p95 / max, plus the rendering work per keystroke.
// - memory: JSHeapUsedSize (CDP Performance.getMetrics) after
//   HeapProfiler.collectGarbage, and the WebAssembly linear memory (outside the JS
//   heap) of the memories the widget's modules were instantiated with.
import { launch } from "../e2e/browser.mjs";
import { start } from "../e2e/servers/nested-offset.mjs";
import { generatedThread } from "../e2e/servers/nested-offset-data.mjs";
import { checkSiteDir, siteDirFromEnv, ADAPTERS_DIR } from "../e2e/servers/paths.mjs";
import { CATEGORIES, covered, mainThreadEvents, marks, pageScriptIntervals, renderingIntervals } from "./trace.mjs";
import fs from "node:fs";
import path from "node:path";

const COMMENTS = 1000;
const THREAD = "bench";
const RUNS = Number(process.argv.find((a) => a.startsWith("--runs="))?.slice(7) ?? 5);
const KEYSTROKES = 200;
const TYPED = [..."Bài viết rất hay, cảm ơn tác giả! ".repeat(8)].slice(0, KEYSTROKES).join("");
const TARGET_RENDER_MS = 100;
const TARGET_KEY_P95_MS = 2;
const RENDER_TIMEOUT_MS = 30_000;
const PAINTED_MARK = "ykien-bench-painted";
const KEY_MARK = "ykien-bench-key";
/// Frames measured without a keystroke first: what the harness itself leaves behind.
const IDLE_FRAMES = 20;

/// The shipped forum adapter, whole thread in one response.
function benchAdapter(bodyFormat) {
  const adapter = JSON.parse(fs.readFileSync(path.join(ADAPTERS_DIR, "nested-offset.json"), "utf8"));
  adapter.list.paging = { type: "none" };
  adapter.list.query = { limit: String(COMMENTS) };
  adapter.bodyFormat = bodyFormat;
  return JSON.stringify(adapter);
}

/// Installed before the page's scripts: resolves with performance.now() right after
/// the first frame that contains `n` comments has been rendered.
function installPaintProbe() {
  // The widget's WebAssembly memories, kept as its modules are instantiated: CDP's
  // Runtime.queryObjects, which found them before, never answers on a page with the
  // split build (the main part and the comment section's part).
  const memories = (window.__ykienBenchMemories = new Set());
  const keep = (values) => {
    for (const v of Object.values(values ?? {})) if (v instanceof WebAssembly.Memory) memories.add(v);
  };
  for (const name of ["instantiate", "instantiateStreaming"]) {
    const original = WebAssembly[name];
    WebAssembly[name] = function (source, imports) {
      for (const ns of Object.values(imports ?? {})) keep(ns);
      return original.apply(this, arguments).then((r) => {
        keep((r.instance ?? r).exports);
        return r;
      });
    };
  }
  window.__ykienBenchPainted = (n, timeoutMs) =>
    new Promise((resolve, reject) => {
      const deadline = performance.now() + timeoutMs;
      const frame = () => {
        const root = document.querySelector("ykien-comments")?.shadowRoot;
        if (root && root.querySelectorAll("li.comment").length >= n) {
          // Style, layout and paint of this frame follow the rAF callbacks; a message
          // posted now is handled after them.
          const channel = new MessageChannel();
          channel.port1.onmessage = () => {
            performance.mark("ykien-bench-painted");
            resolve(performance.now());
          };
          channel.port2.postMessage(null);
        } else if (performance.now() > deadline) {
          const shown = root ? root.querySelectorAll("li.comment").length : "no ykien-comments shadow root";
          reject(new Error(`${n} li.comment not rendered within ${timeoutMs} ms (found: ${shown})`));
        } else {
          requestAnimationFrame(frame);
        }
      };
      requestAnimationFrame(frame);
    });
}

const metricsOf = async (cdp) =>
  Object.fromEntries((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value]));

const median = (xs) => percentile(xs, 0.5);
function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.round((s.length - 1) * p))];
}

/// Opens the page with the list request held; returns once the widget is waiting.
async function openHeld(browser, server, bodyFormat) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.addInitScript(installPaintProbe);
  const cdp = await context.newCDPSession(page);
  await cdp.send("Performance.enable");
  const release = server.hold();
  const from = server.requests.length;
  const params = new URLSearchParams({ api: server.api, thread: THREAD, adapter: benchAdapter(bodyFormat) });
  await page.goto(`${server.baseUrl}/fixtures/adapter-page.html?${params}`);
  await server.waitForRequest((r) => r.method === "GET" && r.path === `/api/threads/${THREAD}/posts`, {
    from,
    timeoutMs: RENDER_TIMEOUT_MS,
  });
  // The loading state is on screen: the widget has nothing left to do but wait.
  try {
    await page.locator("ykien-comments .comments-loading").waitFor({ timeout: RENDER_TIMEOUT_MS });
  } catch (e) {
    release();
    await context.close();
    throw new Error(
      `the widget requested the thread but showed no ykien-comments .comments-loading within ${RENDER_TIMEOUT_MS} ms ` +
        `(is the comment section in this build?)${errors.length ? `; page errors:\n${errors.join("\n")}` : ""}`,
      { cause: e },
    );
  }
  return { context, page, cdp, release, errors };
}

/// One render measurement in a fresh context: wall time and memory, or with `traced`
/// the main-thread breakdown.
async function renderRun(browser, server, bodyFormat, { traced }) {
  const { context, page, cdp, release, errors } = await openHeld(browser, server, bodyFormat);
  try {
    await cdp.send("HeapProfiler.collectGarbage");
    const heapBefore = (await metricsOf(cdp)).JSHeapUsedSize;
    await page.evaluate(
      ([n, t]) => {
        window.__painted = window.__ykienBenchPainted(n, t);
      },
      [COMMENTS, RENDER_TIMEOUT_MS],
    );
    if (traced) {
      await browser.startTracing(page, { categories: CATEGORIES });
      let trace;
      try {
        release();
        await page.evaluate(() => window.__painted);
      } finally {
        trace = await browser.stopTracing();
      }
      const events = mainThreadEvents(trace);
      const [painted] = marks(events, PAINTED_MARK);
      if (painted === undefined) throw new Error(`no ${PAINTED_MARK} mark in the trace`);
      if (errors.length) throw new Error(`errors on the page:\n${errors.join("\n")}`);
      return {
        scriptMs: covered(pageScriptIntervals(events), -Infinity, painted) / 1000,
        renderingMs: covered(renderingIntervals(events), -Infinity, painted) / 1000,
      };
    }
    release();
    const paintedAt = await page.evaluate(() => window.__painted);
    const responseEnd = await page.evaluate(
      (thread) =>
        performance
          .getEntriesByType("resource")
          .find((e) => new URL(e.name).pathname === `/api/threads/${thread}/posts`)?.responseEnd,
      THREAD,
    );
    if (responseEnd === undefined) throw new Error("no Resource Timing entry for the list request");
    await cdp.send("HeapProfiler.collectGarbage");
    const heapAfter = (await metricsOf(cdp)).JSHeapUsedSize;
    const wasm = await wasmMemoryBytes(page);
    if (errors.length) throw new Error(`errors on the page:\n${errors.join("\n")}`);
    return {
      wallMs: paintedAt - responseEnd,
      heapBefore,
      heapAfter,
      wasm,
    };
  } finally {
    release();
    await context.close();
  }
}

/// Bytes of every WebAssembly.Memory the page's modules use (the widget's linear
/// memory), as installPaintProbe found them.
async function wasmMemoryBytes(page) {
  const bytes = await page.evaluate(() =>
    [...window.__ykienBenchMemories].reduce((sum, m) => sum + m.buffer.byteLength, 0),
  );
  if (!bytes) throw new Error("no WebAssembly.Memory seen: the widget instantiates its module some other way");
  return bytes;
}

/// Scripting per keystroke in the composer with the thread rendered.
async function keystrokeRun(browser, server) {
  const { context, page, release, errors } = await openHeld(browser, server, "html");
  try {
    const painted = page.evaluate(([n, t]) => window.__ykienBenchPainted(n, t), [COMMENTS, RENDER_TIMEOUT_MS]);
    release();
    await painted;
    const textarea = page.locator("ykien-comments form.composer textarea.composer-body").first();
    await textarea.click();
    // After the next frame (whatever the key caused is rendered), a mark.
    const frameThenMark = () =>
      page.evaluate(
        (name) =>
          new Promise((r) =>
            requestAnimationFrame(() =>
              setTimeout(() => {
                performance.mark(name);
                r();
              }, 0),
            ),
          ),
        KEY_MARK,
      );
    await browser.startTracing(page, { categories: CATEGORIES });
    let trace;
    try {
      for (let i = 0; i <= IDLE_FRAMES; i++) await frameThenMark();
      for (const ch of TYPED) {
        await page.keyboard.type(ch);
        await frameThenMark();
      }
    } finally {
      trace = await browser.stopTracing();
    }
    const events = mainThreadEvents(trace);
    const ts = marks(events, KEY_MARK);
    if (ts.length !== IDLE_FRAMES + 1 + KEYSTROKES) {
      throw new Error(`expected ${IDLE_FRAMES + 1 + KEYSTROKES} marks in the trace, found ${ts.length}`);
    }
    const script = pageScriptIntervals(events);
    const rendering = renderingIntervals(events);
    const segment = (i) => ({
      script: covered(script, ts[i], ts[i + 1]) / 1000,
      rendering: covered(rendering, ts[i], ts[i + 1]) / 1000,
    });
    const idle = Array.from({ length: IDLE_FRAMES }, (_, i) => segment(i));
    const keys = Array.from({ length: KEYSTROKES }, (_, i) => segment(IDLE_FRAMES + i));
    const value = await textarea.inputValue();
    if (value !== TYPED) throw new Error(`the composer holds ${[...value].length} characters, expected ${KEYSTROKES}`);
    const counter = (await page.locator("ykien-comments form.composer .composer-counter").first().textContent()) ?? "";
    if (errors.length) throw new Error(`errors on the page:\n${errors.join("\n")}`);
    return { keys, idle, counter: counter.trim() };
  } finally {
    release();
    await context.close();
  }
}

const fmtMs = (x) => `${x.toFixed(1)} ms`;
const fmtMB = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const verdict = (ok) => (ok ? "MET" : "MISSED");

async function main() {
  const siteDir = siteDirFromEnv();
  checkSiteDir(siteDir);
  const server = await start({ siteDir, threads: { [THREAD]: generatedThread(COMMENTS) } });
  const browser = await launch();
  try {
    const rows = [];
    const renders = {};
    for (const format of ["html", "text"]) {
      const runs = [];
      const tracedRuns = [];
      for (let i = 0; i < RUNS; i++) {
        runs.push(await renderRun(browser, server, format, { traced: false }));
        tracedRuns.push(await renderRun(browser, server, format, { traced: true }));
      }
      renders[format] = runs;
      const wall = median(runs.map((r) => r.wallMs));
      rows.push([`render 1,000, ${format} bodies: response → painted`, fmtMs(wall), `< ${TARGET_RENDER_MS} ms`, verdict(wall < TARGET_RENDER_MS)]);
      rows.push(["  scripting (page JS + wasm, main thread)", fmtMs(median(tracedRuns.map((r) => r.scriptMs))), "", "traced runs"]);
      rows.push(["  style, layout, paint (main thread)", fmtMs(median(tracedRuns.map((r) => r.renderingMs))), "", "traced runs"]);
      rows.push(["  runs (wall ms)", runs.map((r) => r.wallMs.toFixed(0)).join(" "), "", ""]);
    }
    const { keys, idle, counter } = await keystrokeRun(browser, server);
    const stats = (xs) =>
      `${percentile(xs, 0.5).toFixed(2)} / ${percentile(xs, 0.95).toFixed(2)} / ${Math.max(...xs).toFixed(2)} ms`;
    const script = keys.map((k) => k.script);
    const p95 = percentile(script, 0.95);
    rows.push([
      `keystroke scripting p50 / p95 / max (${KEYSTROKES} keys)`,
      stats(script),
      `p95 ≤ ${TARGET_KEY_P95_MS} ms`,
      verdict(p95 <= TARGET_KEY_P95_MS),
    ]);
    rows.push(["  style, layout, paint per keystroke", stats(keys.map((k) => k.rendering)), "", ""]);
    rows.push(["  harness residue, frames without a key", stats(idle.map((k) => k.script)), "", "(should be ~0)"]);
    rows.push(["  counter after typing", counter, "", ""]);
    const html = renders.html;
    rows.push([
      "JS heap used after GC, 1,000 comments (html)",
      fmtMB(median(html.map((r) => r.heapAfter))),
      "",
      `before the list: ${fmtMB(median(html.map((r) => r.heapBefore)))}`,
    ]);
    rows.push(["WebAssembly linear memory (html)", fmtMB(median(html.map((r) => r.wasm))), "", ""]);

    console.log(
      `\nykien widget benchmark: Chromium ${browser.version()} headless, ${COMMENTS.toLocaleString("en")} comments ` +
        `(600 top-level, 400 replies) in one response, median of ${RUNS} fresh contexts`,
    );
    const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
    console.log(`${"metric".padEnd(widths[0])}  ${"value".padStart(widths[1])}  ${"target".padEnd(widths[2])}`);
    for (const [name, value, target, note] of rows) {
      console.log(`${name.padEnd(widths[0])}  ${value.padStart(widths[1])}  ${target.padEnd(widths[2])}  ${note}`.trimEnd());
    }
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().catch((e) => {
  console.error(`widget bench: ${e.stack ?? e}`);
  process.exit(1);
});
