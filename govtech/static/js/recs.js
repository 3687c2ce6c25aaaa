// Recommendations: the managers' bulk bar shows only while pairs are selected, and says how
// many. Without this script the bar is always shown (and still has no default action).
(function () {
  "use strict";
  function init() {
    var bar = document.querySelector("[data-bulk-bar]");
    if (!bar) { return; }
    var formId = bar.id;
    var count = bar.querySelector("[data-bulk-count]");
    var boxes = function () {
      return document.querySelectorAll('input[type="checkbox"][name="ids"][form="' + formId + '"]');
    };
    function update() {
      var n = 0;
      boxes().forEach(function (box) { if (box.checked) { n += 1; } });
      bar.classList.toggle("is-active", n > 0);
      bar.hidden = n === 0;
      if (count && count.dataset.template) {
        count.textContent = count.dataset.template.replace("{n}", String(n));
      }
    }
    boxes().forEach(function (box) { box.addEventListener("change", update); });
    update();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
