// Every page: after a failed submit the focus goes to the error summary (a screen reader reads it, the
// keyboard continues from it), also where the browser ignored its autofocus (e.g. a page restored from history).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".lp-form-errors");
    if (summary && (document.activeElement === document.body || document.activeElement === null)) {
      summary.focus();
    }
  });
})();
