// Course progress lives only in this browser (courseStorage). Nothing is sent.
(function () {
  "use strict";
  var store = courseStorage;  // storage.js: the keys and layout of what is kept

  // A lesson that was renumbered keeps its learner's answers: the footer
  // lists earlier names (from each lesson's course.formerly), and saved
  // progress moves to the new name once.
  var footer = document.querySelector("[data-renamed]"), renamed = {};
  try { renamed = JSON.parse(footer ? footer.getAttribute("data-renamed") : "{}") || {}; } catch (e) { renamed = {}; }
  store.renameLessons(renamed);

  var lessonName = document.body && document.body.getAttribute("data-lesson");
  if (lessonName) { store.visit(lessonName.replace(/\.ipynb$/, "")); }

  // "Continue where you left off": the last lesson and the section being read.
  function remember(section) {
    var label = document.body.getAttribute("data-lesson-label") || "";
    store.setLast({
      url: location.pathname + (section ? "#" + section.id : ""),
      lesson: (label && label !== "Start here" ? label + ": " : "") + (document.body.getAttribute("data-lesson-title") || ""),
      section: section ? section.textContent.replace(/\u00b6/g, "").trim() : ""
    });
  }
  if (lessonName) {
    remember(null);
    var headings = Array.prototype.slice.call(document.querySelectorAll("#rendered_cells h2[id]"));
    var current = null;
    var pick = function () {
      // The section being read: the last heading above the upper third of the screen.
      var line = window.innerHeight / 3, found = null;
      headings.forEach(function (h) { if (h.getBoundingClientRect().top <= line) found = h; });
      if (found !== current) { current = found; remember(found); }
    };
    var waiting = false;
    window.addEventListener("scroll", function () {
      if (waiting) return;
      waiting = true;
      setTimeout(function () { waiting = false; pick(); }, 400);
    }, { passive: true });
  }

  function renderMap() {
    var s = store.lessons();
    var done = 0, total = 0;
    document.querySelectorAll("[data-status-for]").forEach(function (el) {
      total += 1;
      var l = s[el.getAttribute("data-status-for")];
      if (!l) { el.textContent = "(not started)"; return; }
      var answered = Object.keys(l).filter(function (k) { return k.charAt(0) !== "_"; });
      var right = answered.filter(function (k) { return l[k] && l[k].correct; }).length;
      el.textContent = answered.length
        ? "(started: " + right + " of " + answered.length + " answered questions right)"
        : "(opened)";
      done += 1;
    });
    var summary = document.getElementById("course-progress-summary");
    if (summary && total) {
      summary.textContent = "You have opened " + done + " of the " + total +
        " pages (Start here and the lessons). Your progress is saved only in this browser.";
    }
  }
  function renderContinue() {
    var box = document.getElementById("course-continue");
    if (!box) return;
    var last = store.last();
    if (!last || typeof last.url !== "string" || last.url.indexOf("/voila/render/") !== 0) { box.hidden = true; return; }
    var a = document.createElement("a");
    a.href = last.url;
    a.textContent = "Continue where you left off: " + (last.lesson || "your last lesson") +
      (last.section ? ", at “" + last.section + "”" : "");
    box.replaceChildren(a);
    box.hidden = false;
  }
  renderMap();
  renderContinue();
  var reset = document.getElementById("course-reset");
  if (reset) {
    reset.addEventListener("click", function () {
      if (window.confirm("Clear your saved answers and progress in this browser?")) {
        store.reset(); renderMap(); renderContinue();
      }
    });
  }
})();
