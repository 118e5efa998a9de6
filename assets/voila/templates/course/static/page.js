// Page behaviour shared by every course page. Everything here stays in this
// browser: the theme choice and the place to return to from the glossary are
// kept by courseStorage (storage.js); nothing is sent anywhere.
(function () {
  "use strict";
  var store = courseStorage;
  var root = document.documentElement;

  // ---- theme: the device setting, unless the learner picked one ------------
  var media = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  function isDark() {
    var t = root.getAttribute("data-theme");
    return t ? t === "dark" : !!(media && media.matches);
  }
  function announce() {
    document.querySelectorAll(".course-theme").forEach(function (b) {
      b.hidden = false;
      b.setAttribute("aria-pressed", isDark() ? "true" : "false");
    });
    window.dispatchEvent(new CustomEvent("course-theme", { detail: { dark: isDark() } }));
  }
  document.querySelectorAll(".course-theme").forEach(function (b) {
    b.addEventListener("click", function () {
      var next = isDark() ? "light" : "dark";
      root.setAttribute("data-theme", next);
      store.setTheme(next);
      announce();
    });
  });
  if (media && media.addEventListener) media.addEventListener("change", announce);
  announce();

  // ---- tables: on a phone each row becomes a card with its column names ----
  function labelTable(table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
    if (heads.length < 2) return;
    table.classList.add("course-stack");
    // Explicit roles keep it a table for screen readers when CSS stacks the cells.
    table.setAttribute("role", "table");
    table.querySelectorAll("thead, tbody").forEach(function (g) { g.setAttribute("role", "rowgroup"); });
    table.querySelectorAll("thead th").forEach(function (th) { th.setAttribute("role", "columnheader"); });
    table.querySelectorAll("tr").forEach(function (tr) { tr.setAttribute("role", "row"); });
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      Array.prototype.forEach.call(tr.children, function (cell, i) {
        cell.setAttribute("role", cell.tagName === "TH" ? "rowheader" : "cell");
        if (heads[i] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", heads[i]);
      });
    });
  }
  document.querySelectorAll("#course-main table").forEach(labelTable);
  window.courseLabelTable = labelTable;

  // ---- a link to a source or a section inside a closed <details> opens it ---
  function reveal(id) {
    if (!id) return;
    // As browsers do: the id as written, then percent-decoded.
    var target = document.getElementById(id);
    if (!target) { try { target = document.getElementById(decodeURIComponent(id)); } catch (e) { target = null; } }
    if (!target) return;
    for (var d = target.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) d.open = true;
    target.scrollIntoView();
    if (target.tagName === "A") target.focus({ preventScroll: true });
  }
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest('a[href^="#"]');
    if (a && a.getAttribute("href").length > 1) reveal(a.getAttribute("href").slice(1));
  });
  window.addEventListener("hashchange", function () { reveal(location.hash.slice(1)); });
  if (location.hash.length > 1) window.addEventListener("load", function () { reveal(location.hash.slice(1)); });

  // ---- printing one card, or this page -------------------------------------
  document.addEventListener("click", function (ev) {
    var b = ev.target.closest && ev.target.closest("[data-print-card], [data-print-page]");
    if (!b) return;
    var card = b.getAttribute("data-print-card");
    if (card) root.setAttribute("data-print", card);
    window.print();
  });
  window.addEventListener("afterprint", function () { root.removeAttribute("data-print"); });

  // ---- the glossary: remember where the learner was, and offer the way back -
  var lesson = document.body.getAttribute("data-lesson");
  if (lesson) {
    var n = 0;
    document.querySelectorAll('#course-main a[href^="/glossary#"]').forEach(function (a) {
      if (!a.id) a.id = "glossary-link-" + (++n);
    });
    document.addEventListener("click", function (ev) {
      var a = ev.target.closest && ev.target.closest('a[href^="/glossary"]');
      if (!a) return;
      var label = document.body.getAttribute("data-lesson-label") || "";
      var title = document.body.getAttribute("data-lesson-title") || "";
      store.setGlossaryBack({
        url: location.pathname + (a.id ? "#" + a.id : ""),
        name: (label && label !== "Start here" ? label + ": " : "") + title,
      });
    });
  }
  var back = document.getElementById("course-back");
  if (back) {
    var place = store.glossaryBack();
    if (place && typeof place.url === "string" && place.url.indexOf("/voila/render/") === 0) {
      var link = document.createElement("a");
      link.href = place.url;
      link.textContent = "← Back to the lesson" + (place.name ? " (" + place.name + ")" : "");
      back.replaceChildren(link);
      back.hidden = false;
      // A learner who arrives at one term sees the way back right under it, not only at the top.
      var term = location.hash.length > 1 && document.getElementById(location.hash.slice(1));
      if (term && term.tagName === "DT" && term.nextElementSibling) {
        var near = document.createElement("p");
        near.className = "course-back-near";
        near.appendChild(link.cloneNode(true));
        term.nextElementSibling.insertAdjacentElement("afterend", near);
      }
    }
  }
})();
