// The phone menu works without JavaScript (a checkbox and its label). With it, the label becomes
// a proper button for screen readers and keyboards: it says whether the menu is open.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("nav-toggle");
  var label = document.querySelector(".nav-toggle-label");
  if (!box || !label) { return; }
  box.tabIndex = -1;
  box.setAttribute("aria-hidden", "true");
  label.removeAttribute("aria-hidden");
  label.setAttribute("role", "button");
  label.setAttribute("tabindex", "0");
  label.setAttribute("aria-controls", "site-nav");
  var sync = function () { label.setAttribute("aria-expanded", box.checked ? "true" : "false"); };
  box.addEventListener("change", sync);
  label.addEventListener("keydown", function (event) {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      box.checked = !box.checked;
      sync();
    }
  });
  sync();
});
