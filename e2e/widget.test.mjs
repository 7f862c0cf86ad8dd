// End-to-end: the demo pages served the way a site serves them (strict CSP header),
// in real Chromium, asserting what a reader sees.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage, fontSize } from "./browser.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test("demo page: the site's article gains working, remembered font-size controls", async () => {
  const { context, page, problems } = await openPage(browser, "/");
  const larger = page.locator("#ykien-controls ykien-controls .fc-larger");
  await larger.waitFor();
  const paragraph = page.locator("#article-body p").nth(1);
  assert.equal(await fontSize(paragraph), 17, "the site's own 17px before any change");
  // The controls fill a slot the page reserved: nothing moved when they arrived.
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.__cls), 0, "no layout shift");

  await larger.click();
  await page.waitForFunction(
    () => parseFloat(getComputedStyle(document.querySelectorAll("#article-body p")[1]).fontSize) > 17,
  );
  assert.equal(await fontSize(paragraph), 19.125, "112.5% of 17px");
  const status = page.locator("ykien-controls [role=status]");
  assert.equal(await status.textContent(), "Cỡ chữ 112,5%");

  // The server-rendered HTML is untouched apart from the inline size.
  assert.equal(await page.locator("#article-body").count(), 1);
  assert.ok((await page.locator("#article-body p").count()) >= 6);

  await page.reload();
  await larger.waitFor();
  await page.waitForFunction(
    () => parseFloat(getComputedStyle(document.querySelectorAll("#article-body p")[1]).fontSize) > 17,
  );
  assert.equal(await fontSize(paragraph), 19.125, "remembered across reloads");

  await page.locator("ykien-controls .fc-reset").click();
  await page.waitForFunction(
    () => parseFloat(getComputedStyle(document.querySelectorAll("#article-body p")[1]).fontSize) === 17,
  );

  assert.deepEqual(await page.evaluate(() => window.__csp), [], "no CSP violations");
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.consoleErrors, []);
  await context.close();
});

test("keyboard only: Tab reaches the controls and Enter changes the size", async () => {
  const { context, page } = await openPage(browser, "/");
  await page.locator("ykien-controls .fc-larger").waitFor();
  let reached = false;
  for (let i = 0; i < 40 && !reached; i++) {
    await page.keyboard.press("Tab");
    reached = await page.evaluate(() => {
      const host = document.querySelector("ykien-controls");
      const active = host?.shadowRoot?.activeElement;
      return !!active && active.classList.contains("fc-larger");
    });
  }
  assert.ok(reached, "A+ is reachable with Tab");
  const outline = await page.evaluate(() => {
    const el = document.querySelector("ykien-controls").shadowRoot.activeElement;
    return getComputedStyle(el).outlineStyle;
  });
  assert.notEqual(outline, "none", "focus is visible");
  // 100% → 150% is four steps.
  for (let i = 0; i < 4; i++) await page.keyboard.press("Enter");
  // At the upper bound A+ is disabled and focus moved on instead of being lost.
  const state = await page.evaluate(() => {
    const root = document.querySelector("ykien-controls").shadowRoot;
    return {
      disabled: root.querySelector(".fc-larger").disabled,
      focused: root.activeElement?.className ?? null,
    };
  });
  assert.equal(state.disabled, true);
  assert.match(state.focused ?? "", /fc-reset/);
  assert.equal(
    await page.evaluate(() => parseFloat(getComputedStyle(document.querySelectorAll("#article-body p")[1]).fontSize)),
    25.5,
    "150% of 17px",
  );
  await context.close();
});

test("render mode: the article JSON is fetched, sanitized and rendered with controls", async () => {
  const { context, page, problems } = await openPage(browser, "/demo/render.html");
  const title = page.locator("ykien-article .article-title");
  await title.waitFor();
  assert.match(await title.textContent(), /\S/);
  const link = page.locator("ykien-article .article-body a").first();
  assert.equal(await link.getAttribute("rel"), "nofollow ugc noopener noreferrer");
  assert.match(await link.getAttribute("href"), /^https?:/);
  const img = page.locator("ykien-article .article-body img").first();
  assert.ok((await img.getAttribute("alt")).length > 0);
  const body = page.locator("ykien-article .article-body");
  const before = await fontSize(body);
  await page.locator("ykien-article .fc-larger").click();
  await page.waitForFunction(
    (b) => {
      const host = document.querySelector("ykien-article");
      return parseFloat(getComputedStyle(host.shadowRoot.querySelector(".article-body")).fontSize) > b;
    },
    before,
  );
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test("hostile host: resets and !important rules do not reach the widget, host script works", async () => {
  const { context, page, problems } = await openPage(browser, "/demo/hostile.html");
  const larger = page.locator("ykien-controls .fc-larger");
  await larger.waitFor();
  const box = await larger.boundingBox();
  assert.ok(box.width >= 44 && box.height >= 44, `touch target ${box.width}x${box.height}`);
  const sizing = await larger.evaluate((el) => getComputedStyle(el).boxSizing);
  assert.equal(sizing, "border-box", "the page's * { box-sizing } does not reach in");

  // The hostile `p { font-size: 13px !important }` is still scaled.
  const p = page.locator("#article-body p").first();
  assert.equal(await fontSize(p), 13);
  await larger.click();
  await page.waitForFunction(
    () => parseFloat(getComputedStyle(document.querySelector("#article-body p")).fontSize) > 13,
  );
  assert.equal(await fontSize(p), 14.625);

  // The second script tag on the page rendered its article too.
  await page.locator("ykien-article .article-title").waitFor();
  const titleSize = await fontSize(page.locator("ykien-article .article-title"));
  assert.notEqual(titleSize, 40, "the page's h2 { font-size: 40px !important } stays outside");

  // The comment section below it, under the same rules.
  const comments = page.locator("ykien-comments");
  await comments.scrollIntoViewIfNeeded();
  await comments.locator("li.comment").first().waitFor();
  const area = comments.locator("textarea.composer-body");
  const areaStyle = await area.evaluate((el) => {
    const cs = getComputedStyle(el);
    return { border: cs.borderTopWidth, font: cs.fontFamily, size: cs.fontSize };
  });
  assert.notEqual(areaStyle.border, "5px", "textarea { border: 5px solid lime } stays outside");
  assert.ok(!areaStyle.font.includes("Comic"), "the page's font stays outside");
  // A+ above scaled the comment section too (16 px × 1.125); the page's sizes
  // stay outside.
  assert.equal(areaStyle.size, "18px");
  const counter = comments.locator(".composer-counter");
  assert.equal(await counter.textContent(), "0 / 500 ký tự");
  assert.notEqual(await counter.evaluate((el) => getComputedStyle(el).color), "rgb(255, 0, 255)", "span { color: magenta !important }");
  const status = comments.locator(".composer-status");
  assert.notEqual(await status.evaluate((el) => getComputedStyle(el).display), "none", "[aria-live] { display: none } stays outside");
  const send = comments.locator("button.composer-send");
  const sendBox = await send.boundingBox();
  assert.ok(sendBox.height >= 44, "button { all: unset } stays outside");
  // 22 px × 1.125 after the A+ above, not the page's h2 { font-size: 40px !important }.
  assert.equal(await comments.locator("h2.comments-title").evaluate((el) => getComputedStyle(el).fontSize), "24.75px");

  // The widget's styles do not leak out: the host's own button keeps the page's look.
  const hostButton = await page.locator("#host-counter").evaluate((el) => {
    const cs = getComputedStyle(el);
    return { bg: cs.backgroundColor, font: cs.fontFamily, sizing: cs.boxSizing };
  });
  assert.equal(hostButton.bg, "rgb(255, 0, 0)", "the page's own button rules still apply to it");
  assert.match(hostButton.font, /Comic Sans/);
  assert.equal(hostButton.sizing, "content-box");
  await page.locator("#host-counter").click();
  assert.equal(await page.locator("#host-count").textContent(), "1");
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test("JS API: two widgets mount and unmount independently; bad config shows a notice", async () => {
  const { context, page, problems } = await openPage(browser, "/");
  await page.locator("#ykien-controls ykien-controls").waitFor();
  const result = await page.evaluate(async () => {
    const a = document.createElement("div");
    const b = document.createElement("div");
    const bad = document.createElement("div");
    document.body.append(a, b, bad);
    const ha = window.ykien.mount(a, { articleUrl: "demo/article.json", lang: "en" });
    const hb = window.ykien.mount(b, { articleUrl: "demo/article.json" });
    const hbad = window.ykien.mount(bad, { article: "#article-body", theme: "sepia" });
    await Promise.all([ha.ready, hb.ready, hbad.ready]);
    const waitFor = async (fn) => {
      for (let i = 0; i < 100; i++) {
        if (fn()) return true;
        await new Promise((r) => setTimeout(r, 20));
      }
      return false;
    };
    await waitFor(() => a.querySelector("ykien-article")?.shadowRoot?.querySelector(".article-title"));
    await waitFor(() => b.querySelector("ykien-article")?.shadowRoot?.querySelector(".article-title"));
    // The notice is drawn by its own part of the module, which loads when needed.
    await waitFor(() => bad.querySelector("ykien-notice")?.shadowRoot?.textContent);
    const langA = a.querySelector("ykien-article").shadowRoot.querySelector(".fc-larger").getAttribute("aria-label");
    const langB = b.querySelector("ykien-article").shadowRoot.querySelector(".fc-larger").getAttribute("aria-label");
    const notice = bad.querySelector("ykien-notice")?.shadowRoot?.textContent ?? "";
    ha.unmount();
    const afterA = { a: a.childElementCount, b: b.childElementCount };
    hb.unmount();
    hbad.unmount();
    ha.unmount(); // twice is harmless
    return { langA, langB, notice, afterA, left: a.childElementCount + b.childElementCount + bad.childElementCount };
  });
  assert.equal(result.langA, "Increase text size");
  assert.equal(result.langB, "Tăng cỡ chữ");
  assert.match(result.notice, /data-theme/);
  assert.deepEqual(result.afterA, { a: 0, b: 1 }, "unmounting one leaves the other");
  assert.equal(result.left, 0, "unmount removes everything it added");
  assert.deepEqual(problems.pageErrors, []);
  // The bad config is reported on the console by design; nothing else is.
  assert.deepEqual(
    problems.consoleErrors.filter((e) => !e.includes("data-theme")),
    [],
  );
  await context.close();
});

test("narrow phone (320 px): no horizontal scroll", async () => {
  const { context, page } = await openPage(browser, "/", { viewport: { width: 320, height: 640 } });
  await page.locator("ykien-controls .fc-larger").waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px`);
  await context.close();
});
