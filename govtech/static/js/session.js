// The idle time-out warning (WCAG 2.2.1 Timing Adjustable). The server ends a session that has
// not been used for SESSION_IDLE_MINUTES; shortly before that, this opens the dialog in
// base.html. "Stay signed in" posts (with the CSRF token) to auth.extend_session, which counts as
// a visit; without JavaScript there is no warning, and the dialog's form still works as a page.
// The server notes a visit at most once a minute, so the deadline here is a minute early.
document.addEventListener("DOMContentLoaded", function () {
  var dialog = document.getElementById("session-dialog");
  if (!dialog || typeof dialog.showModal !== "function") { return; }
  var idle = parseInt(dialog.dataset.idleSeconds, 10) * 1000;
  var warn = parseInt(dialog.dataset.warnSeconds, 10) * 1000;
  var form = dialog.querySelector("form");
  var extend = dialog.querySelector("[data-session-extend]");
  var login = dialog.querySelector("[data-session-login]");
  var text = document.getElementById("session-dialog-text");
  var endAt = dialog.querySelector("[data-session-end]");
  var timers = [];

  function clear() { timers.forEach(clearTimeout); timers = []; }

  function ended() {
    clear();
    text.textContent = text.dataset.ended;
    extend.hidden = true;
    login.hidden = false;
    if (!dialog.open) { dialog.showModal(); }
    login.focus();
  }

  function schedule() {
    clear();
    var deadline = Date.now() + idle - 60 * 1000;
    endAt.textContent = new Date(deadline).toLocaleTimeString(document.documentElement.lang,
                                                             { hour: "2-digit", minute: "2-digit" });
    timers.push(setTimeout(function () { if (!dialog.open) { dialog.showModal(); } },
                           Math.max(deadline - warn - Date.now(), 0)));
    timers.push(setTimeout(ended, Math.max(deadline - Date.now(), 0)));
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin",
                         headers: { "Accept": "application/json" } })
      .then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        if (!response.ok || !json) { throw new Error("signed out"); }
        return response.json();
      })
      .then(function (answer) {
        idle = answer.idle_seconds * 1000;
        dialog.close();
        schedule();
      })
      .catch(ended);
  });
  dialog.querySelector("[data-session-close]").addEventListener("click", function () {
    dialog.close();
  });
  schedule();
});
