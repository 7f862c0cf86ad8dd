// Download weight on a slow phone: the demo page (`/`) as built now ("after") and as
// built by an earlier revision ("before", by default the last build with one .wasm),
// on a 1.6 Mbit/s, 150 ms RTT connection at 4× CPU. Prints one table (not a test;
// run by `cargo xtask bench widget`, which builds both sites):
//   - navigation start → controls usable: the `.fc-larger` button is in the
//     `ykien-controls` shadow root (the loader draws no placeholder for it, so it is
//     the module's own). That a click on it then changes the article's font size is
//     checked once per build, in a warm-up run that is not counted, by clicking in
//     the frame the button appears in;
//   - navigation start → first comment visible (an `li.comment` in `ykien-comments`'
//     shadow root), the reader scrolling to the section right after DOMContentLoaded
//     as in bench/page.mjs;
//   - the widget's bytes (ykien.js and every .wasm, Resource Timing transferSize:
//     compressed body plus headers) whose download had ended by each mark;
//   - a reader who never scrolls: the widget's bytes downloaded in the first 10 s.
// Each build is served by its own ykien-server with the same 200-comment thread;
// runs alternate between the builds, each in a fresh browser context; medians.
//
// By hand: YKIEN_SITE_DIR=target/site YKIEN_BASELINE_SITE_DIR=target/site-baseline \
//   YKIEN_SERVER_BIN=target/debug/ykien-server node bench/weight.mjs [--runs=5]
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch } from "../e2e/browser.mjs";
import { THREAD_SIZE, fill, startServer } from "./demo-thread.mjs";

const SITE = process.env.YKIEN_SITE_DIR;
const BASELINE_SITE = process.env.YKIEN_BASELINE_SITE_DIR;
const SERVER_BIN = process.env.YKIEN_SERVER_BIN;
const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const RUNS = Number(arg("runs", 5));
const IDLE_MS = Number(arg("idle-ms", 10_000));
const TIMEOUT_MS = 120_000;

/// Chromium's throughput is in bytes per second; latency is added to every request.
const NETWORK = {
  offline: false,
  latency: 150,
  downloadThroughput: 1_600_000 / 8,
  uploadThroughput: 750_000 / 8,
};
const CPU_RATE = 4;
const VIEWPORT = { width: 412, height: 823 };

if (!SITE || !BASELINE_SITE || !SERVER_BIN) {
  console.error(
    "bench/weight.mjs needs YKIEN_SITE_DIR, YKIEN_BASELINE_SITE_DIR and YKIEN_SERVER_BIN (cargo xtask bench widget sets them)",
  );
  process.exit(2);
}

/// Installed before the page's scripts. Records, at the first animation frame that
/// shows it, when the controls' button and the first comment were there. With
/// `check`, clicks the button in that same frame and records whether the article's
/// font size changed within the next 2 s.
function probe({ scroll, check }) {
  const b = (window.__bench = { controls: null, first: null, check: null });
  if (scroll) document.addEventListener("DOMContentLoaded", () => document.getElementById("ykien")?.scrollIntoView());
  const size = () => parseFloat(getComputedStyle(document.querySelectorAll("#article-body p")[1]).fontSize);
  let before = null;
  let clickedAt = null;
  const tick = () => {
    const now = performance.now();
    if (b.controls === null) {
      const button = document.querySelector("ykien-controls")?.shadowRoot?.querySelector(".fc-larger");
      if (button) {
        b.controls = now;
        if (check) {
          before = size();
          clickedAt = now;
          button.click();
        }
      }
    }
    if (clickedAt !== null && b.check === null) {
      const after = size();
      if (after !== before) b.check = { ok: true, before, after, ms: now - clickedAt };
      else if (now - clickedAt > 2000) b.check = { ok: false, before, after };
    }
    if (b.first === null && document.querySelector("ykien-comments")?.shadowRoot?.querySelector("li.comment")) {
      b.first = now;
    }
    const done = b.controls !== null && (!scroll || b.first !== null) && (!check || b.check !== null);
    if (!done) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

/// The document and every resource the page fetched, times relative to navigation start.
function resources() {
  return [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")].map((e) => ({
    url: e.name,
    start: e.startTime,
    end: e.responseEnd,
    transfer: e.transferSize,
    body: e.encodedBodySize,
  }));
}

const isWidget = (url) => /\/ykien\.js$|\.wasm$/.test(new URL(url).pathname);
/// `ykien-1a2b3c4d.wasm` → `ykien-<hash>.wasm`; the API's first page by its path.
const shortName = (url) => {
  const u = new URL(url);
  const file = u.pathname.split("/").pop();
  if (u.pathname === "/") return "/ (the page)";
  return u.pathname.startsWith("/api/") ? `${u.pathname}${u.search ? "?…" : ""}` : file.replace(/-[0-9a-f]{8}\./, "-<hash>.");
};

/// One navigation in a fresh context on the slow network.
/// mode: "scroll" (both marks), "idle" (no scrolling, IDLE_MS of it) or "check"
/// (the click test, not counted).
async function run(browser, base, mode) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", NETWORK);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU_RATE });
    // Widget requests the browser started but had not finished (Resource Timing only
    // lists finished ones).
    const open = new Map();
    page.on("request", (r) => isWidget(r.url()) && open.set(r, r.url()));
    page.on("requestfinished", (r) => open.delete(r));
    page.on("requestfailed", (r) => open.delete(r));
    await page.addInitScript(probe, { scroll: mode === "scroll", check: mode === "check" });
    await page.goto(`${base}/`, { waitUntil: "commit" });
    const wait = {
      scroll: () => window.__bench.controls !== null && window.__bench.first !== null,
      check: () => window.__bench.check !== null,
      idle: (ms) => !!window.__bench && window.__bench.controls !== null && performance.now() >= ms,
    }[mode];
    await page.waitForFunction(wait, IDLE_MS, { timeout: TIMEOUT_MS, polling: mode === "idle" ? 50 : "raf" });
    const bench = await page.evaluate(() => window.__bench);
    const res = await page.evaluate(resources);
    if (errors.length) throw new Error(`page errors: ${errors.join("; ")}`);
    return { ...bench, resources: res, unfinished: [...open.values()] };
  } finally {
    await context.close();
  }
}

/// Bytes of the widget's files whose download had ended by `t` (ms).
const widgetBytes = (resources, t) =>
  resources.filter((r) => isWidget(r.url) && r.end <= t).reduce((sum, r) => sum + r.transfer, 0);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const dir = mkdtempSync(join(tmpdir(), "ykien-bench-weight-"));
const builds = [
  { key: "before", label: `before (${process.env.YKIEN_BASELINE_LABEL ?? "baseline"})`, site: BASELINE_SITE },
  { key: "after", label: `after (${process.env.YKIEN_CURRENT_LABEL ?? "this tree"})`, site: SITE },
];
const servers = [];
try {
  for (const b of builds) {
    const dataDir = join(dir, b.key);
    mkdirSync(dataDir);
    const server = await startServer({ serverBin: SERVER_BIN, siteDir: b.site, dataDir });
    servers.push(server);
    b.base = server.base;
    await fill(b.base);
  }
  const browser = await launch();
  for (const b of builds) {
    const c = await run(browser, b.base, "check");
    if (!c.check?.ok) {
      throw new Error(`${b.label}: clicking .fc-larger did not change the article's font size (${JSON.stringify(c.check)})`);
    }
    b.check = c.check;
    b.runs = [];
  }
  for (let i = 0; i < RUNS; i++) {
    for (const b of builds) b.runs.push(await run(browser, b.base, "scroll"));
  }
  for (const b of builds) b.idle = await run(browser, b.base, "idle");
  await browser.close();

  for (const b of builds) {
    b.controls = median(b.runs.map((r) => r.controls));
    b.first = median(b.runs.map((r) => r.first));
    b.controlsBytes = median(b.runs.map((r) => widgetBytes(r.resources, r.controls)));
    b.firstBytes = median(b.runs.map((r) => widgetBytes(r.resources, r.first)));
    b.idleBytes = widgetBytes(b.idle.resources, IDLE_MS);
    b.idleFiles = b.idle.resources.filter((r) => isWidget(r.url) && r.end <= IDLE_MS).map((r) => shortName(r.url));
    // The run whose first comment is the median's (or nearest): its timeline.
    b.typical = [...b.runs].sort((x, y) => Math.abs(x.first - b.first) - Math.abs(y.first - b.first))[0];
  }

  const pad = (s, n) => String(s).padEnd(n);
  const ms = (v) => `${v.toFixed(0)} ms`;
  const kib = (v) => `${(v / 1024).toFixed(1)} KiB`;
  const ratio = (a, b) => (a / b).toFixed(2);
  const [before, after] = builds;
  const w = [24, 22, 14, 22, 14];
  console.log(
    `\ndemo page, ${NETWORK.downloadThroughput * 8 / 1e6} Mbit/s down / ${NETWORK.uploadThroughput * 8 / 1e6} Mbit/s up, ` +
      `${NETWORK.latency} ms RTT (CDP), ${CPU_RATE}× CPU, ${VIEWPORT.width}×${VIEWPORT.height}, ` +
      `thread of ${THREAD_SIZE} comments, median of ${RUNS} fresh contexts per build;`,
  );
  console.log(`widget bytes = ykien.js + .wasm transferSize (brotli body + headers) downloaded by the mark`);
  console.log(
    `${pad("build", w[0])}${pad("→ controls usable", w[1])}${pad("widget bytes", w[2])}${pad("→ first comment", w[3])}${pad("widget bytes", w[4])}no scroll: bytes in ${IDLE_MS / 1000} s`,
  );
  for (const b of builds) {
    console.log(
      `${pad(b.label, w[0])}${pad(ms(b.controls), w[1])}${pad(kib(b.controlsBytes), w[2])}${pad(ms(b.first), w[3])}${pad(kib(b.firstBytes), w[4])}` +
        `${kib(b.idleBytes)} (${b.idleFiles.length} files)`,
    );
  }
  console.log(
    `${pad("after / before", w[0])}${pad(ratio(after.controls, before.controls), w[1])}${pad(ratio(after.controlsBytes, before.controlsBytes), w[2])}` +
      `${pad(ratio(after.first, before.first), w[3])}${pad(ratio(after.firstBytes, before.firstBytes), w[4])}${ratio(after.idleBytes, before.idleBytes)}`,
  );
  for (const b of builds) {
    console.log(
      `${b.label}: a click on .fc-larger at the frame it appeared changed the article's font size ` +
        `${b.check.before}px → ${b.check.after}px within ${b.check.ms.toFixed(0)} ms; no scroll, first ${IDLE_MS / 1000} s: ${b.idleFiles.join(", ")}` +
        (b.idle.unfinished.length ? `; still downloading: ${b.idle.unfinished.map(shortName).join(", ")}` : ""),
    );
  }
  for (const b of builds) {
    console.log(
      `${b.label} runs: controls ${b.runs.map((r) => r.controls.toFixed(0)).join(" ")} ms; ` +
        `first comment ${b.runs.map((r) => r.first.toFixed(0)).join(" ")} ms`,
    );
  }
  // Where the time goes: the network timeline of one typical run per build.
  for (const b of builds) {
    const t = b.typical;
    console.log(`\n${b.label}, one run: controls ${ms(t.controls)}, first comment ${ms(t.first)}`);
    const rows = t.resources
      .filter((r) => r.start <= t.first)
      .sort((x, y) => x.start - y.start)
      .map((r) => `  ${pad(shortName(r.url), 40)}${pad(`${r.start.toFixed(0)}–${r.end.toFixed(0)} ms`, 18)}${kib(r.transfer)}`);
    console.log(rows.join("\n"));
  }
} finally {
  for (const s of servers) await s.stop();
  rmSync(dir, { recursive: true, force: true });
}
