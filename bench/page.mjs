// Page-level benchmark: the demo article page against the reference server, as a
// reader gets it. Prints one table (not a test; run by `cargo xtask bench widget`):
//   - navigation start → first comment visible, and → all 200 comments of the thread
//     visible (every "Xem thêm" and "Xem N trả lời" clicked as soon as it appears), at 1× and 4× CPU
//     throttling (CDP), median of 7 runs, each in a fresh browser context;
//   - Lighthouse 12.2.3 (mobile preset) scores for the demo page.
// By hand: YKIEN_SITE_DIR=target/site YKIEN_SERVER_BIN=target/debug/ykien-server node bench/page.mjs
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch } from "../e2e/browser.mjs";
import { freePort } from "../e2e/servers/reference.mjs";
import { THREAD_SIZE, fill, startServer } from "./demo-thread.mjs";

const SITE = process.env.YKIEN_SITE_DIR;
const SERVER_BIN = process.env.YKIEN_SERVER_BIN;
const RUNS = Number(process.argv.find((a) => a.startsWith("--runs="))?.slice(7) ?? 7);

if (!SITE || !SERVER_BIN) {
  console.error("bench/page.mjs needs YKIEN_SITE_DIR and YKIEN_SERVER_BIN (cargo xtask bench sets them)");
  process.exit(2);
}

/// Runs in the page before its scripts: scrolls to the comments once the page is
/// parsed (they load when near the viewport), clicks "Xem thêm" whenever it is there,
/// and records when the first and the last comment became visible.
function probe(total) {
  window.__bench = { first: null, all: null };
  document.addEventListener("DOMContentLoaded", () => document.getElementById("ykien")?.scrollIntoView());
  const tick = () => {
    const root = document.querySelector("ykien-comments")?.shadowRoot;
    const n = root ? root.querySelectorAll("li.comment").length : 0;
    if (n > 0 && window.__bench.first === null) window.__bench.first = performance.now();
    if (n >= total) {
      window.__bench.all = performance.now();
      return;
    }
    root?.querySelector("button.comments-more")?.click();
    // Replies beyond the first few of each comment are collapsed ("Xem N trả lời").
    root?.querySelectorAll('button.comment-replies-toggle[aria-expanded="false"]:not([aria-busy])').forEach((b) => b.click());
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

async function navigationRun(browser, base, rate) {
  const context = await browser.newContext({ viewport: { width: 412, height: 823 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate });
  await page.addInitScript(probe, THREAD_SIZE);
  await page.goto(`${base}/`);
  await page.waitForFunction(() => window.__bench.all !== null, null, { timeout: 60_000 });
  const result = await page.evaluate(() => window.__bench);
  await context.close();
  return result;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

async function lighthouseScores(base) {
  let lighthouse;
  try {
    lighthouse = (await import("lighthouse")).default;
  } catch {
    return null;
  }
  const port = await freePort();
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", `--remote-debugging-port=${port}`,
      "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  try {
    const result = await lighthouse(`${base}/`, {
      port,
      output: "json",
      logLevel: "error",
      onlyCategories: ["performance", "accessibility", "best-practices", "seo"],
    });
    return Object.fromEntries(
      Object.entries(result.lhr.categories).map(([k, c]) => [k, Math.round((c.score ?? 0) * 100)]),
    );
  } finally {
    await browser.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), "ykien-bench-page-"));
const server = await startServer({ serverBin: SERVER_BIN, siteDir: SITE, dataDir: dir });
try {
  await fill(server.base);
  const browser = await launch();
  const rows = [];
  for (const rate of [1, 4]) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await navigationRun(browser, server.base, rate));
    rows.push([`${rate}×`, median(runs.map((r) => r.first)), median(runs.map((r) => r.all))]);
  }
  await browser.close();
  const lh = await lighthouseScores(server.base);

  const pad = (s, n) => String(s).padEnd(n);
  console.log(`\ndemo page against ykien-server, thread of ${THREAD_SIZE} comments, 412×823, median of ${RUNS} fresh contexts`);
  console.log(`${pad("CPU", 6)}${pad("navigation → first comment", 30)}navigation → all ${THREAD_SIZE} comments`);
  for (const [rate, first, all] of rows) {
    console.log(`${pad(rate, 6)}${pad(`${first.toFixed(0)} ms`, 30)}${all.toFixed(0)} ms`);
  }
  if (lh) {
    console.log(`\nLighthouse 12.2.3, mobile preset, demo page (goals: accessibility 100, performance ≥ 95)`);
    for (const [k, v] of Object.entries(lh)) console.log(`${pad(k, 16)}${v}`);
  } else {
    console.log("\nLighthouse: not installed (npm ci installs lighthouse 12.2.3 from package-lock.json)");
  }
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
