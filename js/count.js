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

  // The adapter's `count` request, or the reference server's.
  var request = { method: "GET", url: "{api}/counts", query: { threads: "{threads}" }, map: "counts" };
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
    } catch (e) {
      warn("data-adapter is not valid JSON: " + e.message);
      return;
    }
  }
  var api = (cfg.api || "").replace(/\/+$/, "");

  function fill(template, threads, inUrl) {
    return template
      .replace("{api}", api)
      .replace("{threads}", inUrl ? encodeURIComponent(threads.join(",")) : threads.join(","));
  }

  function numberIn(v) {
    var n = typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v;
    return typeof n === "number" && n >= 0 && n % 1 === 0 ? n : null;
  }

  // thread → count from an answer: a map at `map`, a list at `list` whose items
  // name their thread and count, or at `array` the counts in the threads' order.
  function counts(answer, threads) {
    var out = {};
    var array = request.array !== undefined && at(answer, request.array);
    if (Array.isArray(array)) {
      threads.forEach(function (t, i) {
        out[t] = numberIn(array[i]);
      });
    } else if (request.map !== undefined) {
      var map = at(answer, request.map);
      for (var k in map) if (Object.prototype.hasOwnProperty.call(map, k)) out[k] = numberIn(map[k]);
    } else if (request.list) {
      var items = at(answer, request.list.items || "");
      (Array.isArray(items) ? items : []).forEach(function (item) {
        out[String(at(item, request.list.thread || "thread"))] = numberIn(at(item, request.list.count || "count"));
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

  function load(threads, els) {
    var url = fill(request.url, threads, true);
    var q = request.query || {};
    var params = [];
    for (var name in q) {
      if (Object.prototype.hasOwnProperty.call(q, name)) {
        params.push(encodeURIComponent(name) + "=" + fill(String(q[name]), threads, true));
      }
    }
    if (params.length) url += (url.indexOf("?") < 0 ? "?" : "&") + params.join("&");
    var init = { method: request.method || "GET", headers: { Accept: "application/json" }, credentials: request.credentials || "same-origin" };
    if (init.method !== "GET") {
      init.headers["Content-Type"] = "application/json";
      // A body template's "{threads}" becomes the array of ids.
      init.body = JSON.stringify(request.body || { threads: "{threads}" }, function (_, v) {
        return v === "{threads}" ? threads : v;
      });
    }
    return fetch(url, init)
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(function (answer) {
        var c = counts(answer, threads);
        els.forEach(function (el) {
          var n = c[el.getAttribute("data-ykien-count")];
          if (n !== null && n !== undefined) show(el, n);
        });
      })
      .catch(function (e) {
        warn("counts from " + url + " failed: " + e.message);
      });
  }

  function refresh() {
    var els = [].slice.call(document.querySelectorAll("[data-ykien-count]"));
    var seen = {};
    var threads = [];
    els.forEach(function (el) {
      var t = el.getAttribute("data-ykien-count");
      if (t && !seen[t]) {
        seen[t] = 1;
        threads.push(t);
      }
    });
    var done = [];
    for (var i = 0; i < threads.length; i += 100) done.push(load(threads.slice(i, i + 100), els));
    return Promise.all(done);
  }

  // For pages that add articles later (infinite scroll): `ykienCount.refresh()`.
  window.ykienCount = { refresh: refresh };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", refresh);
  else refresh();
})();
