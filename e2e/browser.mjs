// Shared set-up for the end-to-end tests: Debian's Chromium driven by playwright-core
// (never a downloaded browser), against the server `cargo xtask test` started.
import { chromium } from "playwright-core";

export const BASE = process.env.YKIEN_BASE_URL ?? "http://127.0.0.1:8080";

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

// A fresh context per test (clean storage), recording what a careful site owner
// would watch: page errors, console errors, CSP violations and layout shifts.
export async function openPage(browser, path, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const problems = { pageErrors: [], consoleErrors: [] };
  page.on("pageerror", (e) => problems.pageErrors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") problems.consoleErrors.push(m.text());
  });
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
    window.__cls = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        if (!entry.hadRecentInput) window.__cls += entry.value;
      }
    }).observe({ type: "layout-shift", buffered: true });
  });
  await page.goto(BASE + path);
  return { context, page, problems };
}

// Text and computed styles from inside a shadow root, by host selector.
export function inShadow(page, hostSelector, innerSelector) {
  return page.locator(`${hostSelector} >> ${innerSelector}`);
}

export async function fontSize(locator) {
  return locator.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
}
