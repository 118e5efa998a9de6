// Course progress lives only in this browser (localStorage). Nothing is sent.
(function () {
  "use strict";
  var KEY = "ketamine-course:v1";
  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "{}") || {}; } catch (e) { return {}; }
  }
  function save(state) {
    try { localStorage.setItem(KEY, JSON.stringify(state)); return true; } catch (e) { return false; }
  }
  var api = {
    key: KEY,
    load: load,
    // Record one question's result for a lesson: {lesson: {qid: {correct, score}}}
    record: function (lesson, qid, result) {
      var s = load(); s.lessons = s.lessons || {};
      var l = s.lessons[lesson] = s.lessons[lesson] || {};
      l[qid] = result; l._visited = true;
      return save(s);
    },
    visit: function (lesson) {
      var s = load(); s.lessons = s.lessons || {};
      s.lessons[lesson] = s.lessons[lesson] || {};
      s.lessons[lesson]._visited = true; save(s);
    },
    reset: function () { try { localStorage.removeItem(KEY); } catch (e) {} }
  };
  window.courseProgress = api;

  // A lesson that was renumbered keeps its learner's answers: the footer
  // lists earlier names (from each lesson's course.formerly), and saved
  // progress moves to the new name once.  Entries already under the new
  // name win; question ids never change, so each answer lands on its question.
  function migrate() {
    var footer = document.querySelector("[data-renamed]"), map = {};
    try { map = JSON.parse(footer ? footer.getAttribute("data-renamed") : "{}") || {}; } catch (e) { return; }
    var s = load(), changed = false;
    Object.keys(map).forEach(function (old) {
      var now = map[old] && map[old].slug;
      if (!now) return;
      if (s.lessons && s.lessons[old]) {
        var from = s.lessons[old], to = s.lessons[now] = s.lessons[now] || {};
        Object.keys(from).forEach(function (k) { if (!(k in to)) to[k] = from[k]; });
        delete s.lessons[old]; changed = true;
      }
      var oldUrl = "/voila/render/" + old + ".ipynb";
      if (s.last && typeof s.last.url === "string" && s.last.url.indexOf(oldUrl) === 0) {
        s.last.url = "/voila/render/" + now + ".ipynb" + s.last.url.slice(oldUrl.length);
        if (typeof s.last.lesson === "string") s.last.lesson = s.last.lesson.replace(/^Lesson \d+:/, map[old].label + ":");
        changed = true;
      }
    });
    if (changed) save(s);
  }
  migrate();

  var lessonName = document.body && document.body.getAttribute("data-lesson");
  if (lessonName) { api.visit(lessonName.replace(/\.ipynb$/, "")); }

  // "Continue where you left off": the last lesson and the section being read.
  function remember(section) {
    var s = load();
    var label = document.body.getAttribute("data-lesson-label") || "";
    s.last = {
      url: location.pathname + (section ? "#" + section.id : ""),
      lesson: (label && label !== "Start here" ? label + ": " : "") + (document.body.getAttribute("data-lesson-title") || ""),
      section: section ? section.textContent.replace(/\u00b6/g, "").trim() : ""
    };
    save(s);
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
    var s = load().lessons || {};
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
    var last = load().last;
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
        api.reset(); renderMap(); renderContinue();
      }
    });
  }
})();
