// Keyboard shortcuts of the agent workspace. Loaded with `defer`; no inline script (CSP).
// r: focus the reply, n: focus the internal note, j / k: next / previous queue row,
// /: focus the first filter. Nothing fires while the agent types in a field.
(function () {
  "use strict";

  function typing(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  function focusField(id) {
    var field = document.getElementById(id);
    if (field) { field.focus(); return true; }
    return false;
  }

  function moveRow(step) {
    var links = Array.prototype.slice.call(document.querySelectorAll("#queue-rows a.row-link"));
    if (!links.length) return false;
    var index = links.indexOf(document.activeElement);
    var next = index === -1 ? (step > 0 ? 0 : links.length - 1) : index + step;
    next = Math.max(0, Math.min(links.length - 1, next));
    links[next].focus();
    var row = links[next].closest("tr");
    Array.prototype.forEach.call(document.querySelectorAll("#queue-rows tr.selected"), function (tr) {
      tr.classList.remove("selected");
    });
    if (row) row.classList.add("selected");
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var handled = false;
    switch (event.key) {
      case "r": handled = focusField("id_reply-body"); break;
      case "n": handled = focusField("id_note-body"); break;
      case "j": handled = moveRow(1); break;
      case "k": handled = moveRow(-1); break;
      case "/": {
        var first = document.querySelector("#filters select, #filters input:not([type=hidden])");
        if (first) { first.focus(); handled = true; }
        break;
      }
    }
    if (handled) event.preventDefault();
  });
})();
