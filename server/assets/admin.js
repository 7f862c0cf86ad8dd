// ykien moderation desk: small enhancements on top of plain forms (every
// action works without this file). No inline code: the CSP forbids it.
"use strict";
(function () {
  const form = document.getElementById("queue-form");
  if (form) {
    const boxes = () => Array.from(form.querySelectorAll('input[type="checkbox"][name="id"]'));
    const all = form.querySelector("[data-select-all]");
    const label = form.querySelector(".selected");
    const update = () => {
      const list = boxes();
      const n = list.filter((b) => b.checked).length;
      if (all) {
        all.checked = n > 0 && n === list.length;
        all.indeterminate = n > 0 && n < list.length;
      }
      if (label) {
        label.hidden = n === 0;
        label.textContent = n === 0 ? "" : `${label.dataset.selectedLabel}: ${n}`;
      }
    };
    if (all) {
      all.closest("label").hidden = false;
      all.addEventListener("change", () => {
        for (const b of boxes()) b.checked = all.checked;
        update();
      });
    }
    form.addEventListener("change", (e) => {
      if (e.target.name === "id") update();
    });
    update();
  }
  // Confirmation for destructive buttons (delete, bans).
  document.addEventListener("click", (e) => {
    const button = e.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) e.preventDefault();
  });
})();
