/*! ykien-count | comment counts for listing pages | MIT OR Apache-2.0 */
// Fills every `[data-ykien-count="<thread>"]` element on the page with that
// thread's comment count, in one request per page (at most 100 threads each):
//
//   <script src="https://static.example.vn/ykien/ykien-count.js" defer
//     data-api="https://binhluan.example.vn/api/v1"></script>
//   <a href="/bai-viet-123#ykien-comments" data-ykien-count="bai-viet-123">0</a>
//
// Plain JS, no module to load: a listing page shows dozens of articles and none of
// their comment sections. Configured like the widget (`data-api`, `data-adapter`
// with a `count` request); the text is `data-format` ("{n}" by default, e.g.
// "{n} ý kiến"), and the element gets an accessible label in the page's language.
// Safe under a strict CSP: it only fetches and sets text.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var cfg = script.dataset;

  function warn(msg) {
    try {
      console.warn("ykien-count: " + msg);
    } catch (_) {
      /* console may be stubbed out */
    }
  }

  // `a.b.0`: members, numeric segments index arrays; "" is the value itself.
  function at(value, path) {
    var parts = path ? path.split(".") : [];
    for (var i = 0; i < parts.length; i++) {
      if (value === null || typeof value !== "object") return undefined;
      value = value[parts[i]];
    }
    return value;
  }

  // The adapter's `count` request, or the reference server's: a GET while the ids
  // fit a URL any proxy takes, else the same ids in a POST body.
  var request = { method: "GET", url: "{api}/counts", query: { threads: "{threads}" }, map: "counts" };
  var long = { method: "POST", url: "{api}/counts", body: { threads: "{threads}" }, map: "counts" };
  if (cfg.adapter) {
    if (cfg.adapter.charAt(0) !== "{") {
      warn("data-adapter must be inline JSON here (a count script fetches nothing but the counts)");
      return;
    }
    try {
      var custom = JSON.parse(cfg.adapter).count;
      if (!custom) {
        warn("the adapter has no `count` request: this API gives no counts");
        return;
      }
      request = custom;
      long = null;
    } catch (e) {
      warn("data-adapter is not valid JSON: " + e.message);
      return;
    }
  }
  var api = (cfg.api || "").replace(/\/+$/, "");
  var MAX_URL = 2000;

  function fill(template, threads) {
    return template.replace("{api}", api).replace("{threads}", encodeURIComponent(threads.join(",")));
  }

  function numberIn(v) {
    var n = typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v;
    return typeof n === "number" && n >= 0 && n % 1 === 0 ? n : null;
  }

  // thread → count from an answer: a map at `map`, a list at `list` whose items
  // name their thread and count, or an `array` of counts in the order asked (Isso).
  function counts(req, answer, threads) {
    var out = Object.create(null);
    var i;
    if (req.map !== undefined) {
      var map = at(answer, req.map);
      for (var k in map) if (Object.prototype.hasOwnProperty.call(map, k)) out[k] = numberIn(map[k]);
    } else if (req.array !== undefined) {
      var list = at(answer, req.array);
      for (i = 0; Array.isArray(list) && i < threads.length; i++) out[threads[i]] = numberIn(list[i]);
    } else if (req.list) {
      var items = at(answer, req.list.items || "");
      (Array.isArray(items) ? items : []).forEach(function (item) {
        out[String(at(item, req.list.thread || "thread"))] = numberIn(at(item, req.list.count || "count"));
      });
    }
    return out;
  }

  var vi = !/^en\b/i.test(document.documentElement.lang || "");
  function show(el, n) {
    var format = el.getAttribute("data-ykien-count-format") || cfg.format || "{n}";
    el.textContent = format.replace("{n}", String(n));
    el.setAttribute("aria-label", n + (vi ? " ý kiến" : n === 1 ? " comment" : " comments"));
  }

  // What the API said per thread, so a refresh asks only for new threads.
  var known = Object.create(null);

  function url(req, threads) {
    var u = fill(req.url, threads);
    var q = req.query || {};
    var params = [];
    for (var name in q) {
      if (Object.prototype.hasOwnProperty.call(q, name)) params.push(encodeURIComponent(name) + "=" + fill(String(q[name]), threads));
    }
    return params.length ? u + (u.indexOf("?") < 0 ? "?" : "&") + params.join("&") : u;
  }

  function load(threads) {
    var req = request;
    var u = url(req, threads);
    if (long && u.length > MAX_URL) u = url((req = long), threads);
    var init = { method: req.method || "GET", headers: { Accept: "application/json" }, credentials: req.credentials || "same-origin" };
    if (init.method !== "GET") {
      init.headers["Content-Type"] = "application/json";
      // A body template's "{threads}" becomes the array of ids.
      init.body = JSON.stringify(req.body === undefined ? { threads: "{threads}" } : req.body, function (_, v) {
        return v === "{threads}" ? threads : v;
      });
    }
    return fetch(u, init)
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(function (answer) {
        var c = counts(req, answer, threads);
        threads.forEach(function (t) {
          // null: asked, and the answer has no number for it (the text stays).
          known[t] = c[t] === undefined ? null : c[t];
        });
      })
      .catch(function (e) {
        warn("counts from " + u + " failed: " + e.message);
      });
  }

  function refresh() {
    var els = [].slice.call(document.querySelectorAll("[data-ykien-count]"));
    var seen = Object.create(null);
    var threads = [];
    els.forEach(function (el) {
      var t = el.getAttribute("data-ykien-count");
      if (t && !seen[t] && known[t] === undefined) threads.push(t);
      seen[t] = 1;
    });
    var done = [];
    for (var i = 0; i < threads.length; i += 100) done.push(load(threads.slice(i, i + 100)));
    return Promise.all(done).then(function () {
      els.forEach(function (el) {
        var n = known[el.getAttribute("data-ykien-count")];
        if (typeof n === "number") show(el, n);
      });
    });
  }

  // For pages that add articles later (infinite scroll): `ykienCount.refresh()`.
  window.ykienCount = { refresh: refresh };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", refresh);
  else refresh();
})();
