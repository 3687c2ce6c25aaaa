// Header navigation, progressive enhancement. Without this script the menus are <details> and
// the list is always shown; with it:
// - each <details data-menu> becomes a <button aria-expanded> that shows or hides its list
//   (disclosure pattern: Enter/Space toggle, Escape closes and returns focus to the button,
//   a click or focus elsewhere closes it; nothing opens on hover);
// - on narrow screens the whole navigation folds behind one "Menu" button.
document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", function () {
  // A form came back with errors: start at its summary (it is also announced, role=alert), and
  // let its links put the focus in the field, not only scroll to it.
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.setAttribute("tabindex", "-1");
    summary.focus();
    // A form posted from a page opened at "#main" (the skip link) comes back with that
    // fragment, and the browser would move the focus there once the page has loaded.
    window.addEventListener("load", function () {
      if (document.activeElement === document.body || document.activeElement.id === "main") {
        summary.focus();
      }
    });
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var target = link && document.getElementById(link.getAttribute("href").slice(1));
      if (target) { event.preventDefault(); target.focus(); }
    });
  }

  var menus = [];

  // A menu that drops over the page closes when another opens or focus leaves it; inside the
  // folded phone menu the lists are part of the column, and closing one would move the rest.
  function floating(menu) { return getComputedStyle(menu.list).position === "absolute"; }

  function setOpen(menu, open) {
    menu.list.hidden = !open;
    menu.button.setAttribute("aria-expanded", open ? "true" : "false");
    if (open && floating(menu)) {
      menus.forEach(function (other) { if (other !== menu) { setOpen(other, false); } });
    }
  }

  document.querySelectorAll("details[data-menu]").forEach(function (details) {
    var summary = details.querySelector("summary");
    var list = details.querySelector("ul");
    if (!summary || !list || !list.id) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = summary.className;
    button.textContent = summary.textContent.trim();
    button.setAttribute("aria-controls", list.id);
    var holder = details.parentNode;
    holder.insertBefore(button, details);
    holder.insertBefore(list, details);
    holder.removeChild(details);
    var menu = { button: button, list: list, holder: holder };
    menus.push(menu);
    setOpen(menu, false);
    button.addEventListener("click", function () { setOpen(menu, list.hidden); });
    holder.addEventListener("focusout", function (event) {
      if (event.relatedTarget && !holder.contains(event.relatedTarget) && floating(menu)) {
        setOpen(menu, false);
      }
    });
  });

  var toggle = document.querySelector(".nav-toggle");
  var nav = document.getElementById("site-nav");
  function setNavOpen(open) {
    if (!toggle || !nav) { return; }
    nav.classList.toggle("is-open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }
  if (toggle && nav) {
    toggle.addEventListener("click", function () { setNavOpen(!nav.classList.contains("is-open")); });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var open = menus.filter(function (menu) { return !menu.list.hidden; });
    if (open.length) {
      open.forEach(function (menu) {
        var inside = menu.holder.contains(document.activeElement);
        setOpen(menu, false);
        if (inside) { menu.button.focus(); }
      });
      return;
    }
    if (nav && nav.classList.contains("is-open") && getComputedStyle(toggle).display !== "none") {
      setNavOpen(false);
      toggle.focus();
    }
  });

  document.addEventListener("click", function (event) {
    menus.forEach(function (menu) {
      if (!menu.list.hidden && floating(menu) && !menu.holder.contains(event.target)) {
        setOpen(menu, false);
      }
    });
  });
});
