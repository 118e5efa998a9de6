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

  var lessonName = document.body && document.body.getAttribute("data-lesson");
  if (lessonName) { api.visit(lessonName.replace(/\.ipynb$/, "")); }

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
      summary.textContent = "You have opened " + done + " of " + total +
        " lessons. Your progress is saved only in this browser.";
    }
  }
  renderMap();
  var reset = document.getElementById("course-reset");
  if (reset) {
    reset.addEventListener("click", function () {
      if (window.confirm("Clear your saved answers and progress in this browser?")) {
        api.reset(); renderMap();
      }
    });
  }
})();
