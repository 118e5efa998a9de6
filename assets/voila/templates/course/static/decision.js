// Lesson 6's option grid and decision aid, entirely in this browser.
//
// The server sends plain HTML (widgets/figures/options.py); this script adds
// the "one question at a time" view, keeps every answer in this browser
// (courseStorage, from storage.js: nothing is sent anywhere, and no kernel is
// needed), marks the grid rows the learner cares about, and fills in the
// one-page summary.  Printing uses
// the page's print-one-card mechanism (data-print-card in page.js).
(function () {
  "use strict";
  var store = courseStorage;  // storage.js
  // Longest medicine entry, and longest question shown on the summary, so a full summary stays one page.
  var MEDICINE_MAX = 80, QUESTION_MAX = 140;
  function shorten(t, n) { return t.length <= n ? t : t.slice(0, n - 1).replace(/\s+\S*$/, "") + "…"; }
  var grid = document.querySelector("[data-course-grid]");
  var parts = document.querySelectorAll("[data-course-aid]");
  if (!grid && !parts.length) return;

  // The learner's answers, in the layout storage.js describes.
  function state() { return store.decision(); }
  function save(change) { return store.changeDecision(change); }
  function el(tag, text, cls) {
    var n = document.createElement(tag);
    if (text !== undefined) n.textContent = text;
    if (cls) n.className = cls;
    return n;
  }
  function status(part, text) {
    var box = part && part.querySelector(".course-aid-status");
    if (box) box.textContent = text;
  }
  function aidData() {
    var host = document.querySelector('[data-course-aid="summary"]');
    try { return JSON.parse(host.getAttribute("data-aid")); } catch (e) { return null; }
  }
  var data = aidData();
  // Lists of [id, text] pairs keep the YAML's order; maps make lookups easy.
  function pairs(x) { return Array.isArray(x) ? x.filter(function (p) { return Array.isArray(p) && p.length === 2; }) : []; }
  function asMap(x) { var m = {}; pairs(x).forEach(function (p) { m[p[0]] = p[1]; }); return m; }
  function list(words) {
    return words.length < 2 ? words.join("") : words.slice(0, -1).join(", ") + " and " + words[words.length - 1];
  }

  // ---- the grid: one question at a time ------------------------------------
  function showRow(row) {
    if (!grid) return;
    var panels = grid.querySelectorAll(".course-grid-row");
    var known = Array.prototype.some.call(panels, function (p) { return p.getAttribute("data-row") === row; });
    if (!known) row = panels.length ? panels[0].getAttribute("data-row") : "";
    panels.forEach(function (p) { p.hidden = p.getAttribute("data-row") !== row; });
    var radio = grid.querySelector('input[name="course-grid-row"][value="' + row + '"]');
    if (radio) radio.checked = true;
  }
  if (grid) {
    grid.querySelector(".course-grid-pick").hidden = false;
    grid.classList.add("course-grid-live");
    grid.addEventListener("change", function (ev) {
      if (ev.target.name !== "course-grid-row") return;
      save(function (d) { d.row = ev.target.value; });
      showRow(ev.target.value);
    });
    showRow(state().row);
  }

  // ---- what matters: mark the grid rows rated "A lot" ------------------------
  function mattersRows(d) {
    var rows = {};
    document.querySelectorAll("[data-course-aid=values] [data-factor]").forEach(function (fs) {
      if (Number(d.values[fs.getAttribute("data-factor")]) === 2) rows[fs.getAttribute("data-row")] = true;
    });
    return rows;
  }
  function markGrid(d) {
    if (!grid) return;
    var rows = mattersRows(d);
    grid.querySelectorAll("[data-row]").forEach(function (n) {
      var on = !!rows[n.getAttribute("data-row")];
      n.classList.toggle("course-grid-matters", on);
      n.querySelectorAll(".course-grid-mark").forEach(function (m) { m.hidden = !on; });
    });
    grid.querySelectorAll('input[name="course-grid-row"]').forEach(function (r) {
      var on = !!rows[r.value];
      r.parentElement.classList.toggle("course-grid-matters", on);
      var mark = r.parentElement.querySelector(".course-grid-mark");
      if (mark) mark.hidden = !on;
    });
  }

  // ---- restoring answers into the controls ----------------------------------
  function restore(d) {
    document.querySelectorAll("[data-course-aid=values] [data-factor]").forEach(function (fs) {
      var v = d.values[fs.getAttribute("data-factor")];
      fs.querySelectorAll("input").forEach(function (i) { i.checked = v !== undefined && String(v) === i.value; });
    });
    document.querySelectorAll("[data-course-aid=sure] [data-sure]").forEach(function (fs) {
      var v = d.sure[fs.getAttribute("data-sure")];
      fs.querySelectorAll("input").forEach(function (i) { i.checked = v === i.value; });
    });
    document.querySelectorAll('input[name="course-considering"]').forEach(function (i) { i.checked = d.considering.indexOf(i.value) >= 0; });
    document.querySelectorAll('input[name="course-leaning"]').forEach(function (i) { i.checked = d.leaning === i.value; });
  }

  // ---- answering --------------------------------------------------------------
  document.addEventListener("change", function (ev) {
    var t = ev.target, part = t.closest && t.closest("[data-course-aid]");
    if (!part) return;
    var kind = part.getAttribute("data-course-aid");
    if (kind === "values" && t.closest("[data-factor]")) {
      var f = t.closest("[data-factor]").getAttribute("data-factor");
      save(function (d) { d.values[f] = Number(t.value); });
      var d = state(), lot = [];
      document.querySelectorAll("[data-course-aid=values] [data-factor]").forEach(function (fs) {
        if (Number(d.values[fs.getAttribute("data-factor")]) === 2) lot.push(fs.querySelector("legend").textContent.trim());
      });
      status(part, "Saved. " + (lot.length
        ? "Matters a lot to you: " + list(lot) + ". The grid above now marks those questions."
        : "Nothing is marked “A lot” yet."));
    } else if (kind === "sure" && t.closest("[data-sure]")) {
      var item = t.closest("[data-sure]").getAttribute("data-sure");
      save(function (d) { d.sure[item] = t.value === "yes" ? "yes" : "no"; });
      status(part, sureText(state()));
    } else if (kind === "leaning" && t.name === "course-considering") {
      save(function (d) {
        d.considering = d.considering.filter(function (x) { return x !== t.value; });
        if (t.checked) d.considering.push(t.value);
      });
      status(part, "Saved to your summary.");
    } else if (kind === "leaning" && t.name === "course-leaning") {
      // The option you lean towards is one you are considering: tick it too.
      var box = t.value !== "unsure" && part.querySelector('input[name="course-considering"][value="' + t.value + '"]');
      var added = box && !box.checked;
      save(function (d) {
        d.leaning = t.value;
        if (added) d.considering.push(t.value);
      });
      if (added) box.checked = true;
      status(part, "Saved. " + (added ? "It is now ticked as an option you are considering too. " : "") + "You can change this at any time.");
    } else {
      return;
    }
    refresh();
  });

  function sureText(d) {
    var items = (data && data.sure) || [];
    var answered = items.filter(function (s) { return d.sure[s.id]; });
    var yes = items.filter(function (s) { return d.sure[s.id] === "yes"; }).length;
    if (answered.length < items.length) return "Saved. " + answered.length + " of " + items.length + " answered.";
    if (yes === items.length) return "You answered Yes to all " + items.length + ". Take your summary to your care team to talk it through.";
    return "You answered Yes to " + yes + " of " + items.length + ". A No can mean you are not sure yet. " +
      "That is common. Learning more, or talking it over with your care team, can help.";
  }

  // ---- the medicines I have tried -------------------------------------------
  var summaryPart = document.querySelector('[data-course-aid="summary"]');
  function capOf(name, fallback) { return (data && data.caps && data.caps[name]) || fallback; }
  function addMedicine() {
    var input = summaryPart.querySelector("#course-medicine");
    var text = input.value.trim().slice(0, MEDICINE_MAX);
    if (!text) { status(summaryPart, "Type a medicine first, then press “Add this medicine”."); input.focus(); return; }
    var cap = capOf("medicines", 10);
    if (state().medicines.length >= cap) {
      status(summaryPart, "Your list has " + cap + " medicines, the most that fit on one page. Remove one to add another.");
      return;
    }
    if (state().medicines.some(function (m) { return m.toLowerCase() === text.toLowerCase(); })) {
      status(summaryPart, "“" + text + "” is already on your list.");
      input.focus();
      return;
    }
    save(function (d) { d.medicines.push(text); });
    input.value = "";
    status(summaryPart, "Added: " + text);
    refresh();
    input.focus();
  }
  if (summaryPart) {
    summaryPart.querySelector("[data-aid-add]").addEventListener("click", addMedicine);
    summaryPart.querySelector("#course-medicine").addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") { ev.preventDefault(); addMedicine(); }
    });
    summaryPart.querySelector("[data-aid-clear]").addEventListener("click", function () {
      if (!window.confirm("Clear your answers on this page (what matters, SURE answers, options, leaning and medicines) from this browser? Your question list in Lesson 7 is kept.")) return;
      store.clearDecision();
      restore(state());
      refresh();
      document.querySelectorAll(".course-aid-status").forEach(function (b) { b.textContent = ""; });
      status(summaryPart, "Your answers on this page have been cleared from this browser.");
    });
  }

  // ---- the one-page summary ----------------------------------------------------
  function fill(name, items, empty) {
    var box = summaryPart && summaryPart.querySelector('[data-fill="' + name + '"]');
    if (!box) return;
    box.replaceChildren();
    if (!items.length) { box.append(el("li", empty, "course-summary-empty")); return; }
    items.forEach(function (t) { box.append(typeof t === "string" ? el("li", t) : t); });
  }
  function refresh() {
    var d = state();
    markGrid(d);
    if (!summaryPart || !data) return;
    var names = asMap(data.options);
    fill("considering", pairs(data.options).filter(function (p) { return p[0] !== "unsure" && d.considering.indexOf(p[0]) >= 0; })
      .map(function (p) { return p[1]; }), "None ticked yet.");
    // "A lot: …" then "Some: …", one line each, so the summary stays one page.
    var byRating = [2, 1, 0].map(function (r) {
      var names = pairs(data.factors).filter(function (p) { return Number(d.values[p[0]]) === r; })
        .map(function (p) { return p[1]; });
      if (!names.length) return null;
      var li = el("li");
      li.append(el("strong", data.ratings[r] + ": "), document.createTextNode(names.join("; ")));
      return li;
    }).filter(Boolean);
    fill("values", byRating, "Not rated yet.");
    var leaning = summaryPart.querySelector('[data-fill="leaning"]');
    leaning.textContent = names[d.leaning] || "Not answered yet.";
    fill("sure", (data.sure || []).map(function (s) {
      var a = d.sure[s.id];
      var li = el("li");
      li.append(el("span", s.letter + ": " + s.short + " — ", "course-summary-sure"),
        a ? el("strong", a === "yes" ? "Yes" : "No") : el("span", "not answered yet", "course-summary-empty"));
      li.title = s.text;
      return li;
    }), "");
    // Questions picked in Lesson 7 (its builder keeps them under careQuestions).
    var cq = store.careQuestions();
    var picked = pairs(data.questions).filter(function (p) { return cq.ticked.indexOf(p[0]) >= 0; })
      .map(function (p) { return p[1]; })
      .concat(cq.own);
    var qcap = capOf("questions", 8), shown = picked.slice(0, qcap).map(function (t) { return shorten(t, QUESTION_MAX); });
    var qs = shown.map(function (t) { return el("li", t); });
    fill("questions", qs, "");
    var qbox = summaryPart.querySelector('[data-fill="questions"]');
    var cut = summaryPart.querySelector('[data-fill="questions-note"]');
    cut.hidden = picked.length <= qcap;
    cut.textContent = picked.length > qcap
      ? "Showing " + qcap + " of your " + picked.length + " questions, so this fits on one page. The full list is in Lesson 7." : "";
    if (!picked.length) {
      // On screen, a way to add them; on paper, a plain "none yet".
      var li = el("li", "", "course-summary-empty"), a = el("a", "Pick your questions in Lesson 7");
      var onScreen = el("span", "", "course-noprint"), onPaper = el("span", "No questions added yet.", "course-summary-paper");
      a.href = data.nextSteps;
      onScreen.append(a, document.createTextNode(", then come back here."));
      li.append(onScreen, onPaper);
      qbox.replaceChildren(li);
    }
    var meds = d.medicines.slice(0, capOf("medicines", 10)).map(function (t) { return shorten(t, MEDICINE_MAX); });
    fill("medicines", meds, "None added yet.");
    var edit = summaryPart.querySelector('[data-fill="medicine-edit"]');
    edit.replaceChildren();
    meds.forEach(function (t, i) {
      var b = el("button", "Remove", "course-aid-button course-aid-small");
      b.type = "button";
      b.setAttribute("aria-label", "Remove " + t);
      b.addEventListener("click", function () {
        save(function (x) { x.medicines.splice(i, 1); });
        status(summaryPart, "Removed: " + t);
        refresh();
        var next = edit.querySelector("button") || summaryPart.querySelector("#course-medicine");
        next.focus();
      });
      var row = el("li");
      row.append(el("span", t), b);
      edit.append(row);
    });
    var input = summaryPart.querySelector("#course-medicine");
    var full = d.medicines.length >= capOf("medicines", 10);
    summaryPart.querySelector(".course-aid-hint").textContent = full
      ? "Your list is full (" + capOf("medicines", 10) + " medicines), the most that fit on one page. Remove one to add another."
      : "Up to " + capOf("medicines", 10) + ", so your summary fits on one page.";
    input.setAttribute("aria-describedby", "course-medicine-hint");
  }
  var hint = summaryPart && summaryPart.querySelector(".course-aid-hint");
  if (hint) hint.id = "course-medicine-hint";

  restore(state());
  refresh();
  // The question list may change in another tab (Lesson 7): keep the summary current.
  window.addEventListener("storage", function (ev) { if (ev.key === store.key) { restore(state()); refresh(); } });
  document.querySelectorAll("[data-course-aid]").forEach(function (p) { p.setAttribute("data-ready", "true"); });
  if (grid) grid.setAttribute("data-ready", "true");
})();
