/*! ykien | embeddable article reader and comments | MIT OR Apache-2.0 */
// The one file a site includes. `cargo xtask dist` fills in the content-hashed
// module name and its SRI hash (WASM_FILE, WASM_SRI) and the widget stylesheet
// (WIDGET_CSS), then bundles this with the wasm-bindgen glue (`./ykien.js`) and the
// loader of the comment section's part of the module (`./__wasm_split.js`) into one
// minified classic script.
//
// A classic script: works with async/defer, in any CMS, without a bundler on the
// site's side; every name stays inside the bundle except `window.ykien`; and
// everything is caught, because whatever goes wrong here must never break the host
// page's own scripts.
//
// Besides loading the module it is the widget's platform layer, because these
// must work before the module has arrived:
// - the stylesheet every shadow root adopts (constructed, so a strict CSP allows it);
// - the theme: light or dark from what the widget actually sits on;
// - placeholders: the loading state drawn at once in the places the module will
//   fill, which the module then takes over without moving anything. Text typed
//   into a placeholder's comment form is kept as the draft the module restores.
import init, { mountElement as moduleMountElement, mountScript as moduleMountScript } from "./ykien.js";

var WASM_SRI = "__WASM_SRI__";
var CSS = "__WIDGET_CSS__";

(function () {
  "use strict";

  var script = document.currentScript;

  // A second <script src=".../ykien.js"> on the page reuses the first module.
  var existing = window.ykien;
  if (existing && existing.__ykien) {
    if (script && hasConfig(script)) existing.__mountScript(script);
    return;
  }

  var base = (script && script.src) || document.baseURI;
  var wasmUrl = new URL("__WASM_FILE__", base).href;

  function report(err) {
    try {
      console.error("ykien:", err);
    } catch (_) {
      /* console may be stubbed out by the host */
    }
  }

  function hasConfig(el) {
    for (var k in el.dataset) {
      if (Object.prototype.hasOwnProperty.call(el.dataset, k)) return true;
    }
    return false;
  }

  // ---- the module ----

  var booting = null;
  function boot() {
    if (!booting) {
      // Fetched by the loader, not by the glue, so the request works from any
      // origin: CORS mode without credentials (the file is public), and the
      // content hash checked when the build recorded one.
      var options = { mode: "cors", credentials: "omit" };
      if (/^sha(256|384|512)-/.test(WASM_SRI)) options.integrity = WASM_SRI;
      booting = init({ module_or_path: fetch(wasmUrl, options) });
    }
    return booting;
  }

  // ---- stylesheet ----

  var sheet = null;
  function widgetSheet() {
    if (sheet === null) {
      try {
        sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
      } catch (_) {
        sheet = undefined; // very old browser: unstyled, still usable
      }
    }
    return sheet;
  }

  function shadowHost(tag) {
    var host = document.createElement(tag);
    var root = host.attachShadow({ mode: "open" });
    var s = widgetSheet();
    if (s) root.adoptedStyleSheets = [s];
    return host;
  }

  // ---- theme ----

  var probe = null;
  // Any CSS colour as [r, g, b, a] in sRGB: the 2D canvas parses every syntax the
  // page may use (named, hex, rgb, hsl, oklch …) and answers in one of two forms.
  function rgba(color) {
    try {
      if (!probe) probe = document.createElement("canvas").getContext("2d");
      probe.fillStyle = "#010203";
      probe.fillStyle = color;
      var v = probe.fillStyle;
      if (v === "#010203" && color.replace(/\s/g, "") !== "rgb(1,2,3)") return null;
      if (v.charAt(0) === "#") {
        return [parseInt(v.substr(1, 2), 16), parseInt(v.substr(3, 2), 16), parseInt(v.substr(5, 2), 16), 1];
      }
      var p = v.replace(/[^\d.,]/g, "").split(",").map(parseFloat);
      return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
    } catch (_) {
      return null;
    }
  }

  function luminance(c) {
    var l = c.slice(0, 3).map(function (v) {
      v /= 255;
      return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
  }

  function prefersDark() {
    return !!(window.matchMedia && matchMedia("(prefers-color-scheme: dark)").matches);
  }

  // The colour the widget is really drawn on: the backgrounds behind `el`, from
  // the nearest opaque one up, composited; the page canvas below them all (dark
  // only when the page's own color-scheme allows dark and the reader asks for it).
  function backdrop(el) {
    var layers = [];
    for (var n = el.parentElement; n; n = n.parentElement) {
      var c = rgba(getComputedStyle(n).backgroundColor);
      if (c && c[3] > 0) {
        layers.push(c);
        if (c[3] >= 1) break;
      }
    }
    var under;
    if (!layers.length || layers[layers.length - 1][3] < 1) {
      var scheme = getComputedStyle(document.documentElement).colorScheme || "";
      var dark = /dark/.test(scheme) && (!/light/.test(scheme) || prefersDark());
      under = dark ? [18, 18, 18, 1] : [255, 255, 255, 1];
    } else {
      under = layers.pop();
    }
    while (layers.length) {
      var top = layers.pop();
      under = [0, 1, 2].map(function (i) {
        return top[i] * top[3] + under[i] * (1 - top[3]);
      });
    }
    return under;
  }

  // Dark when light text reads better on the backdrop than dark text: the
  // widget's two text colours are #1b1b1f and #e6e6ea.
  function themeFor(el) {
    var bg = luminance(backdrop(el));
    var onDark = (luminance([230, 230, 234]) + 0.05) / (bg + 0.05);
    var onLight = (bg + 0.05) / (luminance([27, 27, 31]) + 0.05);
    return onDark > onLight ? "dark" : "light";
  }

  // Keeps `host`'s theme attribute right: once for "light"/"dark"; for "auto" again
  // whenever the reader's scheme changes or the page restyles <html> or <body>
  // (a theme toggle, a late stylesheet). Returns the function that stops it.
  function watchTheme(host, mode) {
    function apply() {
      try {
        var t = mode === "light" || mode === "dark" ? mode : themeFor(host);
        if (host.getAttribute("theme") !== t) host.setAttribute("theme", t);
      } catch (err) {
        report(err);
      }
    }
    apply();
    if (mode === "light" || mode === "dark") return function () {};
    var media = window.matchMedia ? matchMedia("(prefers-color-scheme: dark)") : null;
    if (media && media.addEventListener) media.addEventListener("change", apply);
    var observer = new MutationObserver(apply);
    observer.observe(document.documentElement, { attributes: true });
    if (document.body) observer.observe(document.body, { attributes: true });
    window.addEventListener("load", apply);
    return function () {
      if (media && media.removeEventListener) media.removeEventListener("change", apply);
      observer.disconnect();
      window.removeEventListener("load", apply);
    };
  }

  // ---- placeholders ----

  var TEXT = {
    vi: {
      loading: "Đang tải dữ liệu…",
      title: "Ý kiến",
      name: "Họ tên",
      guest: "Khách",
      body: "Ý kiến của bạn",
      placeholder: "Chia sẻ ý kiến của bạn…",
      chars: "ký tự",
      shortcut: "Ctrl + Enter để gửi",
      send: "Gửi",
      failed: "Không tải được phần bình luận và công cụ đọc. Vui lòng tải lại trang.",
    },
    en: {
      loading: "Loading…",
      title: "Comments",
      name: "Name",
      guest: "Guest",
      body: "Your comment",
      placeholder: "Share your thoughts…",
      chars: "characters",
      shortcut: "Ctrl + Enter to send",
      send: "Send",
      failed: "Comments and reading tools could not be loaded. Please reload the page.",
    },
  };

  function langOf(config) {
    var tag = (config.lang || document.documentElement.lang || "").toLowerCase();
    return /^en\b/.test(tag) ? "en" : "vi";
  }

  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) el.setAttribute(k, attrs[k]);
    (children || []).forEach(function (c) {
      el.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return el;
  }

  function store(key, value) {
    try {
      if (value === undefined) return localStorage.getItem(key);
      if (value === "") localStorage.removeItem(key);
      else localStorage.setItem(key, value);
    } catch (_) {
      /* storage unavailable: the text stays on the page */
    }
    return null;
  }

  // The module's key for a thread's draft (src/draft.rs: UTF-8 length, then id).
  function draftKey(thread) {
    return "ykien:draft:" + new TextEncoder().encode(thread).length + ":" + thread;
  }

  // Counted as the module counts (cleaned, NFC, code points), so the number does
  // not jump when it takes over.
  function count(text) {
    var t = text.replace(/\r\n?/g, "\n").replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, "").trim();
    return Array.from(t.normalize ? t.normalize("NFC") : t).length;
  }

  var STEPS = ["875", "1000", "1125", "1250", "1375", "1500"];

  // The same markup and classes as the module's loading state (src/components):
  // the module replaces it node for node, so nothing moves.
  function skeleton(lines) {
    return h("div", { class: "skeleton", "aria-hidden": "true" }, lines);
  }
  function line(extra) {
    return h("span", { class: extra ? "sk-line " + extra : "sk-line" });
  }

  function articlePlaceholder(t) {
    return h("div", { class: "article-state loading", "aria-busy": "true" }, [
      h("p", { class: "status", role: "status" }, [t.loading]),
      skeleton([line("sk-title"), line(), line(), line("sk-short")]),
    ]);
  }

  function commentsPlaceholder(t, config, withForm) {
    var limit = /^\d+$/.test(config.maxLength || "") ? config.maxLength : "500";
    var children = [h("h2", { class: "comments-title is-placeholder", id: "ykien-comments-title" }, [t.title + " ()"])];
    if (withForm) {
      var key = draftKey(config.thread);
      var name = h("input", {
        class: "composer-name",
        type: "text",
        autocomplete: "nickname",
        maxlength: "60",
        placeholder: t.guest,
        "aria-label": t.name,
      });
      name.value = store("ykien:name") || "";
      var area = h("textarea", { class: "composer-body", rows: "4", placeholder: t.placeholder, "aria-label": t.body });
      area.value = store(key) || "";
      var counter = h("span", { class: "composer-counter" }, [count(area.value) + " / " + limit + " " + t.chars]);
      // Kept as the draft (and name) the module restores when it takes over.
      area.addEventListener("input", function () {
        store(key, area.value.trim() ? area.value : "");
        counter.textContent = count(area.value) + " / " + limit + " " + t.chars;
      });
      name.addEventListener("input", function () {
        store("ykien:name", name.value.trim());
      });
      var form = h("form", { class: "composer", novalidate: "true" }, [
          h("div", { class: "composer-identity" }, [
            h("label", { class: "composer-name-label", "aria-hidden": "true" }, [t.name]),
            name,
          ]),
          h("label", { class: "composer-body-label", "aria-hidden": "true" }, [t.body]),
          area,
          h("div", { class: "composer-bar" }, [
            counter,
            h("span", { class: "composer-hint" }, [t.shortcut]),
            h("button", { type: "submit", class: "btn btn-primary composer-send", disabled: "" }, [t.send]),
          ]),
          h("p", { class: "composer-status", role: "status", "aria-live": "polite" }),
        ]);
      // Nothing can be sent before the module is here; Enter must not submit the
      // form to the page's own URL.
      form.addEventListener("submit", function (e) {
        e.preventDefault();
      });
      children.push(form);
    }
    children.push(
      h("div", { class: "comments-loading" }, [
        h("p", { class: "status", role: "status" }, [t.loading]),
        skeleton(
          [0, 1, 2].map(function () {
            return h("div", { class: "sk-comment" }, [line("sk-name"), line(), line("sk-short")]);
          })
        ),
      ])
    );
    return h("section", { class: "comments", "aria-labelledby": "ykien-comments-title", "aria-busy": "true" }, children);
  }

  function draw(tag, body, lang, size) {
    var host = shadowHost(tag);
    host.shadowRoot.appendChild(h("div", { class: size ? "ykien " + size : "ykien", lang: lang }, [body]));
    return host;
  }

  // Where the module will put its parts (src/embed.rs): inside `into`, or right
  // after `after`. Only what the config obviously asks for is drawn; the module
  // removes any placeholder it does not take over.
  function placeholders(config, into, after) {
    var out = [];
    try {
      var lang = langOf(config);
      var t = TEXT[lang];
      var put = function (host) {
        if (into) into.appendChild(host);
        else if (after && after.parentNode) after.parentNode.insertBefore(host, after.nextSibling);
        after = host;
        into = null;
        out.push(host);
      };
      if (config.articleUrl && !config.article) put(draw("ykien-article", articlePlaceholder(t), lang));
      if (config.api && config.thread) {
        var scale = STEPS.indexOf(store("ykien:font-scale") || "1000");
        var size = config.scaleComments === "off" ? "" : "fs-" + (scale < 0 ? 1 : scale);
        // An adapter fetched from a URL: the module shows no form until it is in.
        var withForm = !config.adapter || config.adapter.charAt(0) === "{";
        var section = draw("ykien-comments", commentsPlaceholder(t, config, withForm), lang, size);
        // A link to "#ykien-comments" (a listing page's count) lands here.
        if (!document.getElementById("ykien-comments")) section.id = "ykien-comments";
        put(section);
        // The browser looks for the fragment once, when the page is parsed: an async
        // script that runs later (the usual case) would leave a reader who came from
        // a count link at the top. Not when they have scrolled meanwhile.
        if (section.id && location.hash === "#ykien-comments" && document.readyState !== "loading" && !window.scrollY) {
          section.scrollIntoView();
        }
      }
      out.forEach(function (host) {
        host.__ykienTheme = watchTheme(host, (config.theme || "auto").toLowerCase());
      });
    } catch (err) {
      report(err);
    }
    return out;
  }

  // The module could not load (offline, a CSP without 'wasm-unsafe-eval', the
  // .wasm missing): a short message where the loading state was, so the slot is
  // never left saying "loading" forever. The site's own article is untouched.
  function loadFailed(drawn, fallbackTarget, lang) {
    try {
      var p = h("p", { class: "ykien crashed", role: "alert" }, [TEXT[lang].failed]);
      if (drawn.length) {
        drawn.forEach(function (host, i) {
          host.shadowRoot.textContent = "";
          if (i === 0) host.shadowRoot.appendChild(p);
        });
        return;
      }
      var target = fallbackTarget();
      if (target) target.appendChild(p);
    } catch (_) {
      /* nothing left to try */
    }
  }

  function platform(drawn) {
    // The module stops the watcher of each host it takes over and starts its own.
    drawn.forEach(function (host) {
      if (host.__ykienTheme) host.__ykienTheme();
    });
    return { sheet: widgetSheet(), theme: watchTheme, placeholders: drawn };
  }

  // Every mounted widget, until unmounted. The module's handle frees the widget
  // (its listeners, observers, requests) when the garbage collector finalizes it,
  // so a handle the page does not keep (a script tag's) must be kept here.
  var live = [];

  // Returned at once, before the module has loaded: `unmount()` works at any time,
  // `ready` resolves (never rejects) once the widget is on the page.
  function Handle(config, drawn, start, fallbackTarget) {
    var self = this;
    self._inner = null;
    self._gone = false;
    self._drawn = drawn;
    live.push(self);
    self.ready = boot()
      .then(function () {
        if (self._gone) return self;
        self._inner = start(platform(drawn));
        return self;
      })
      .catch(function (err) {
        report(err);
        if (!self._gone) loadFailed(drawn, fallbackTarget, langOf(config));
        return self;
      });
  }
  Handle.prototype.unmount = function () {
    this._gone = true;
    var at = live.indexOf(this);
    if (at >= 0) live.splice(at, 1);
    var inner = this._inner;
    this._inner = null;
    if (inner) {
      try {
        inner.unmount();
        inner.free();
      } catch (err) {
        report(err);
      }
    } else {
      this._drawn.forEach(function (host) {
        if (host.__ykienTheme) host.__ykienTheme();
        host.remove();
      });
    }
  };

  function whenDomReady(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn, { once: true });
    } else {
      fn();
    }
  }

  function query(sel) {
    try {
      return sel ? document.querySelector(sel) : null;
    } catch (_) {
      return null;
    }
  }

  function mountScript(el) {
    var handle = null;
    whenDomReady(function () {
      var config = el.dataset;
      var into = config.mount ? query(config.mount) : null;
      var drawn = config.mount && !into ? [] : placeholders(config, into, into ? null : el);
      handle = new Handle(
        config,
        drawn,
        function (p) {
          return moduleMountScript(el, el.dataset, p);
        },
        function () {
          return query(config.mount) || el.parentNode;
        }
      );
    });
    return {
      unmount: function () {
        if (handle) handle.unmount();
      },
    };
  }

  var api = {
    __ykien: true,
    __mountScript: mountScript,
    /**
     * Mounts a widget into `element` with `config` (the data-* attributes as
     * camelCase keys: { article: "#body", articleUrl: "...", lang: "en" }).
     * Returns { ready: Promise, unmount() }.
     */
    mount: function (element, config) {
      config = config || {};
      var ok = element && element.nodeType === 1;
      var flat = {};
      for (var k in config) {
        if (Object.prototype.hasOwnProperty.call(config, k) && typeof config[k] === "string") flat[k] = config[k];
      }
      return new Handle(
        flat,
        ok ? placeholders(flat, element, null) : [],
        function (p) {
          return moduleMountElement(element, config, p);
        },
        function () {
          return ok ? element : null;
        }
      );
    },
  };

  try {
    window.ykien = api;
    if (script && hasConfig(script)) mountScript(script);
  } catch (err) {
    report(err);
  }
})();
