// The news site of the third-party API suites (e2e/isso*.test.mjs,
// e2e/waline*.test.mjs): the assembled site and adapters as static files, and an
// article page generated per test that embeds the widget the way a site would.
// The comment API runs on another origin, as it usually does, so the page's CSP
// names it in connect-src and the API must answer CORS for this origin.
//
//   GET /article.html?api=…&thread=…&adapter=…[&lang][&depth][&replies][&minLength][&email]
//       [&website][&mode=mount][&title][&token]
//     an article page: <title>, <link rel="canonical">, <meta name="csrf-token">,
//     and the widget from a <script data-*> tag, or with mode=mount from
//     ykien.mount(el, {…, headers: () => ({Authorization: "Bearer <token>"})});
//   GET /article.js   the page's only script (the CSP forbids inline ones);
//   GET /listing.html?api=…&adapter=…&thread=…[&thread=…][&format]
//     a listing page: a teaser per thread with its `[data-ykien-count]` element,
//     and ykien-count.js with data-api, data-adapter (the inline JSON given) and
//     data-format;
//   GET /oauth-services → {"services": []} (Waline asks its OAuth service on every
//     request; this stands in for the public one, which this network cannot reach).
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { mounts } from "./paths.mjs";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

const escapeHtml = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

/// Reads the page's query and embeds the widget (as a tag, or through the JS API).
const ARTICLE_JS = `(function () {
  "use strict";
  var params = new URLSearchParams(location.search);
  var keys = ["api", "thread", "adapter", "lang", "depth", "replies", "minLength", "maxLength", "email", "website"];
  if (params.get("mode") === "mount") {
    var loader = document.createElement("script");
    loader.src = "/dist/ykien.js";
    loader.onload = function () {
      var config = { load: "eager" };
      keys.forEach(function (k) { if (params.get(k) !== null) config[k] = params.get(k); });
      window.__headerCalls = [];
      config.headers = function (request) {
        window.__headerCalls.push(request.method + " " + request.url);
        // A token that may change between requests, read when each is made.
        return Promise.resolve({ Authorization: "Bearer " + (window.__token || params.get("token")) });
      };
      window.__ykien = window.ykien.mount(document.getElementById("comments"), config);
    };
    document.body.appendChild(loader);
    return;
  }
  var script = document.createElement("script");
  script.src = "/dist/ykien.js";
  script.async = true;
  script.setAttribute("data-mount", "#comments");
  script.setAttribute("data-load", "eager");
  keys.forEach(function (k) {
    var v = params.get(k);
    if (v !== null) script.setAttribute("data-" + k.replace(/[A-Z]/g, function (c) { return "-" + c.toLowerCase(); }), v);
  });
  document.body.appendChild(script);
})();
`;

function articlePage(url, apiOrigin) {
  const q = url.searchParams;
  const title = q.get("title") ?? "Đường ven sông Mây được thông qua – Báo Yên Hà";
  const csp =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: https:; " +
    `connect-src 'self' ${apiOrigin}; base-uri 'self'; form-action 'self'; object-src 'none'`;
  const html = `<!doctype html>
<html lang="vi">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="csrf-token" content="csrf-${escapeHtml(q.get("thread") ?? "")}">
  <title>${escapeHtml(title)}</title>
  <link rel="canonical" href="/tin/duong-ven-song-may.html">
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/styles/demo.css">
</head>
<body>
  <main class="container">
    <article class="article">
      <h1 class="article-title">${escapeHtml(title)}</h1>
      <div class="article-body"><p>Trang thử nghiệm: ý kiến bạn đọc bên dưới đến từ một máy chủ bình luận khác,
        được mô tả bằng một adapter.</p></div>
    </article>
    <section id="comments" aria-label="Bình luận"></section>
  </main>
  <script src="/article.js"></script>
</body>
</html>`;
  return { html, csp };
}

/// A listing page: every thread's count from ykien-count.js, under the same CSP.
function listingPage(url, apiOrigin) {
  const q = url.searchParams;
  const api = q.get("api") ?? "";
  const teasers = q
    .getAll("thread")
    .map((t, i) => {
      const article = `/article.html?${new URLSearchParams({ api, thread: t })}`;
      return `    <li class="teaser"><a href="${escapeHtml(article)}">Bài ${i + 1}</a>
      <a class="teaser-count" href="${escapeHtml(article)}#ykien-comments" data-ykien-count="${escapeHtml(t)}">Ý kiến</a></li>`;
    })
    .join("\n");
  const attrs = [["data-api", api], ["data-adapter", q.get("adapter")], ["data-format", q.get("format")]]
    .filter(([, v]) => v !== null)
    .map(([k, v]) => ` ${k}="${escapeHtml(v)}"`)
    .join("");
  const csp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    `connect-src 'self' ${apiOrigin}; base-uri 'self'; form-action 'self'; object-src 'none'`;
  const html = `<!doctype html>
<html lang="vi">
<head>
  <meta charset="utf-8">
  <title>Tin mới – Báo Yên Hà</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/styles/demo.css">
</head>
<body>
  <main class="container">
    <h1>Tin mới</h1>
    <ol class="teasers">
${teasers}
    </ol>
  </main>
  <script src="/dist/ykien-count.js" defer${attrs}></script>
</body>
</html>`;
  return { html, csp };
}

/// Starts the site on `port` (0: any free one). `apiOrigin` is the comment API's
/// origin for the CSP; it can be set later with `setApiOrigin` (the API's own
/// config may need this site's origin first).
/// `handler(req, res, url)`, when given, answers first (an API on the site's own
/// origin); it returns false to leave a request to the site. `cookie`: a
/// `Set-Cookie` value sent with the article page (a CSRF cookie the page can read).
export async function startSite({ siteDir, port = 0, apiOrigin = "", handler = null, cookie = null }) {
  const table = mounts(path.resolve(siteDir));
  let api = apiOrigin;
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, "http://localhost");
    if (handler && (await handler(req, res, url))) return;
    if (url.pathname === "/article.html") {
      const { html, csp } = articlePage(url, api);
      const headers = { "Content-Type": TYPES[".html"], "Content-Security-Policy": csp, "Cache-Control": "no-store" };
      if (cookie) headers["Set-Cookie"] = cookie;
      res.writeHead(200, headers);
      return res.end(html);
    }
    if (url.pathname === "/listing.html") {
      const { html, csp } = listingPage(url, api);
      res.writeHead(200, { "Content-Type": TYPES[".html"], "Content-Security-Policy": csp, "Cache-Control": "no-store" });
      return res.end(html);
    }
    if (url.pathname === "/article.js") {
      res.writeHead(200, { "Content-Type": TYPES[".js"], "Cache-Control": "no-store" });
      return res.end(ARTICLE_JS);
    }
    if (url.pathname.startsWith("/oauth-services")) {
      res.writeHead(200, { "Content-Type": "application/json" });
      return res.end(JSON.stringify({ services: [] }));
    }
    let pathname;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400);
      return res.end();
    }
    const [prefix, dir] = table.find(([p]) => pathname.startsWith(p)) ?? [];
    const file = dir && path.resolve(dir, "." + pathname.slice(prefix.length - 1));
    if (!file || (file !== dir && !file.startsWith(dir + path.sep)) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { "Content-Type": "text/plain" });
      return res.end("not found");
    }
    res.writeHead(200, {
      "Content-Type": TYPES[path.extname(file)] ?? "application/octet-stream",
      "Cache-Control": "no-cache",
    });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    setApiOrigin(o) {
      api = o;
    },
    /// The article page's URL for these widget settings.
    page(params) {
      return `${origin}/article.html?${new URLSearchParams(params)}`;
    },
    async stop() {
      await new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
