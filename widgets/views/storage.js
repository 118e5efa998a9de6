// The learner's browser storage: the one place that knows its keys and layout.
//
// One file, two ways in.  The course server writes it into every page's
// <head> as a classic script (_chrome.html.j2), so no request holds the page up,
// where page.js, progress.js and decision.js use the global `courseStorage`.
// The quiz and the question builder carry it at the top of their widget code
// (widgets/views/_base.py, esm()), so they work in JupyterLab too,
// where there is no course page.  Nothing here is ever sent anywhere.
//
// localStorage["ketamine-course:v1"] holds one JSON object.  The layout's
// version is the key's ":v1"; a new layout would get a new key and move the
// old one's data over here, in load().
//   lessons: {<lesson>: {_visited: true,
//             <question id>: {answered, answer, correct, score, feedback, model_answer, text}}}
//   last: {url, lesson, section}                "Continue where you left off"
//   careQuestions: {ticked: [id], own: [text]}  Lesson 7's question builder
//   decision: {values: {factor: 0-2}, sure: {item: "yes"|"no"}, considering: [option],
//              leaning: option|"unsure", medicines: [text], row: row}   Lesson 6's aid
// Two more keys hold a string each: the theme the learner chose ("dark" or
// "light"), and the lesson to go back to from the glossary ({url, name}).
//
// When the browser refuses to store (private mode, storage full or turned
// off), the page keeps its own copy, so everything works until it is closed.
var courseStorage = (function () {
  "use strict";
  var KEY = "ketamine-course:v1";
  var THEME_KEY = "ketamine-course:theme";
  var BACK_KEY = "ketamine-course:glossary-back";
  var kept = {};  // key -> text this page could not store

  function getText(key) {
    if (key in kept) return kept[key];
    try { return localStorage.getItem(key); } catch (e) { return null; }
  }
  function setText(key, text) {
    try { localStorage.setItem(key, text); delete kept[key]; return true; } catch (e) { kept[key] = text; return false; }
  }
  function isObject(x) { return !!x && typeof x === "object" && !Array.isArray(x); }
  function isText(x) { return typeof x === "string" && x.length > 0; }
  function texts(x) { return Array.isArray(x) ? x.filter(isText) : []; }

  // The whole saved object (a fresh copy each time), and writing it back.
  function load() {
    var s;
    try { s = JSON.parse(getText(KEY) || "{}"); } catch (e) { s = {}; }
    return isObject(s) ? s : {};
  }
  function save(s) { return setText(KEY, JSON.stringify(s)); }
  function change(fn) { var s = load(); fn(s); return save(s); }
  function lessonIn(s, lesson) {
    s.lessons = isObject(s.lessons) ? s.lessons : {};
    return (s.lessons[lesson] = isObject(s.lessons[lesson]) ? s.lessons[lesson] : {});
  }
  function careQuestions() {
    var cq = load().careQuestions;
    return isObject(cq) ? { ticked: texts(cq.ticked), own: texts(cq.own) } : { ticked: [], own: [] };
  }
  function decision() {
    var d = load().decision;
    d = isObject(d) ? d : {};
    return {
      values: isObject(d.values) ? d.values : {},
      sure: isObject(d.sure) ? d.sure : {},
      considering: texts(d.considering),
      leaning: isText(d.leaning) ? d.leaning : "",
      medicines: texts(d.medicines),
      row: isText(d.row) ? d.row : ""
    };
  }

  return {
    key: KEY,
    load: load,
    lessons: function () { var l = load().lessons; return isObject(l) ? l : {}; },
    // One question's saved entry, or null; saving it marks the lesson visited.
    answer: function (lesson, qid) {
      var l = load().lessons, e = isObject(l) && isObject(l[lesson]) ? l[lesson][qid] : null;
      return isObject(e) ? e : null;
    },
    saveAnswer: function (lesson, qid, entry) {
      return change(function (s) { var l = lessonIn(s, lesson); l[qid] = entry; l._visited = true; });
    },
    visit: function (lesson) { return change(function (s) { lessonIn(s, lesson)._visited = true; }); },
    last: function () { var x = load().last; return isObject(x) ? x : null; },
    setLast: function (place) { return change(function (s) { s.last = place; }); },
    careQuestions: careQuestions,
    // fn changes the {ticked, own} lists; returns them as saved.
    changeCareQuestions: function (fn) {
      var cq = careQuestions();
      fn(cq);
      change(function (s) { s.careQuestions = cq; });
      return cq;
    },
    decision: decision,
    // fn changes the decision aid's answers (as decision() gives them).
    changeDecision: function (fn) {
      var d = decision();
      fn(d);
      return change(function (s) { s.decision = d; });
    },
    clearDecision: function () { return change(function (s) { delete s.decision; }); },
    // A renumbered lesson keeps its learner's answers: renamed is {old slug: {slug, label}}
    // (each lesson's course.formerly).  Entries already under the new name win;
    // question ids never change, so each answer lands on its question.
    renameLessons: function (renamed) {
      var s = load(), changed = false;
      Object.keys(renamed || {}).forEach(function (old) {
        var now = renamed[old] && renamed[old].slug;
        if (!now) return;
        if (isObject(s.lessons) && isObject(s.lessons[old])) {
          var from = s.lessons[old], to = lessonIn(s, now);
          Object.keys(from).forEach(function (k) { if (!(k in to)) to[k] = from[k]; });
          delete s.lessons[old]; changed = true;
        }
        var oldUrl = "/voila/render/" + old + ".ipynb";
        if (isObject(s.last) && typeof s.last.url === "string" && s.last.url.indexOf(oldUrl) === 0) {
          s.last.url = "/voila/render/" + now + ".ipynb" + s.last.url.slice(oldUrl.length);
          if (typeof s.last.lesson === "string") s.last.lesson = s.last.lesson.replace(/^Lesson \d+:/, renamed[old].label + ":");
          changed = true;
        }
      });
      if (changed) save(s);
    },
    // Answers and progress go; the theme choice stays.
    reset: function () {
      delete kept[KEY];
      try { localStorage.removeItem(KEY); } catch (e) { /* nothing was stored */ }
    },
    theme: function () { var t = getText(THEME_KEY); return t === "dark" || t === "light" ? t : ""; },
    setTheme: function (t) { return setText(THEME_KEY, t); },
    glossaryBack: function () {
      var p;
      try { p = JSON.parse(getText(BACK_KEY) || "null"); } catch (e) { p = null; }
      return isObject(p) ? p : null;
    },
    setGlossaryBack: function (place) { return setText(BACK_KEY, JSON.stringify(place)); }
  };
})();
