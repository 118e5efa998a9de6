// Voila attaches its rendered lesson to <body>, outside the page landmarks.
// Move it into <main> as soon as it appears, so the lesson sits between the
// header and the footer for every reader, screen readers included.
(function () {
  "use strict";
  var main = document.getElementById("course-main");
  if (!main) { return; }
  function adopt() {
    var shell = document.querySelector("body > .jp-LabShell");
    if (shell) { main.appendChild(shell); return true; }
    return false;
  }
  if (!adopt()) {
    var obs = new MutationObserver(function () { if (adopt()) { obs.disconnect(); } });
    obs.observe(document.body, { childList: true });
  }
})();
