// Vigil console: progressive enhancement only. Every page works without
// this file.
"use strict";

// After a refused form, move the focus to the summary of what went wrong,
// so that keyboard and screen-reader users hear it first (the summary has
// tabindex="-1" and role="alert").
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
});
