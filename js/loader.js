/*! ykien | embeddable article reader and comments | MIT OR Apache-2.0 */
// The one file a site includes. `cargo xtask dist` splices the wasm-bindgen glue in
// at GLUE and the content-hashed module name at WASM_FILE, then minifies.
//
// It is a classic script (works with async/defer, in any CMS, no bundler), keeps
// every name inside this closure except `window.ykien`, and catches everything:
// whatever goes wrong here must never break the host page's own scripts.
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

  /*__GLUE__*/

  var booting = null;
  function boot() {
    if (!booting) {
      booting = wasm_bindgen({ module_or_path: wasmUrl });
    }
    return booting;
  }

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

  // Shown only when the module itself cannot load (offline, CSP without
  // 'wasm-unsafe-eval', the .wasm missing from the server). Every other message
  // comes from the widget in the reader's language.
  function loadFailed(target, lang) {
    try {
      if (!target) return;
      var p = document.createElement("p");
      p.setAttribute("role", "alert");
      p.textContent = /^en/i.test(lang || document.documentElement.lang || "")
        ? "Comments and reading tools could not be loaded. Please reload the page."
        : "Không tải được phần bình luận và công cụ đọc. Vui lòng tải lại trang.";
      target.appendChild(p);
    } catch (_) {
      /* nothing left to try */
    }
  }

  // Returned at once, before the module has loaded: `unmount()` works at any time,
  // `ready` resolves (never rejects) once the widget is on the page.
  function Handle(start, fallbackTarget, lang) {
    var self = this;
    self._inner = null;
    self._gone = false;
    self.ready = boot()
      .then(function () {
        if (self._gone) return self;
        self._inner = start();
        return self;
      })
      .catch(function (err) {
        report(err);
        if (!self._gone) loadFailed(fallbackTarget(), lang);
        return self;
      });
  }
  Handle.prototype.unmount = function () {
    this._gone = true;
    var inner = this._inner;
    this._inner = null;
    if (inner) {
      try {
        inner.unmount();
        inner.free();
      } catch (err) {
        report(err);
      }
    }
  };

  function whenDomReady(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn, { once: true });
    } else {
      fn();
    }
  }

  function mountScript(el) {
    var handle = null;
    whenDomReady(function () {
      handle = new Handle(
        function () {
          return wasm_bindgen.mountScript(el, el.dataset);
        },
        function () {
          var sel = el.dataset.mount;
          var target = null;
          try {
            target = sel ? document.querySelector(sel) : null;
          } catch (_) {
            target = null;
          }
          return target || el.parentNode;
        },
        el.dataset.lang
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
      return new Handle(
        function () {
          return wasm_bindgen.mountElement(element, config || {});
        },
        function () {
          return element && element.nodeType === 1 ? element : null;
        },
        config && config.lang
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
