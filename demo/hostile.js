// Host-page script for demo/hostile.html: a click counter that proves the
// host's own scripts keep working with the ykien widget embedded.
(function () {
  "use strict";

  function init() {
    var button = document.getElementById("host-counter");
    var output = document.getElementById("host-count");
    if (!button || !output) return;
    var count = 0;
    button.addEventListener("click", function () {
      count += 1;
      output.textContent = String(count);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
