// Accessible chart: plotly plot (role=img with a name), caption, data table.
// plotly.js is loaded once per page from the course server, never a CDN.

function plotlyUrl() {
  let base = "/";
  const cfg = document.getElementById("jupyter-config-data");
  if (cfg) {
    try { base = JSON.parse(cfg.textContent).baseUrl || "/"; } catch (e) { /* keep "/" */ }
  }
  if (!base.endsWith("/")) base += "/";
  // Voila: the course server's vendor route. JupyterLab: extra static path (make lab).
  return document.body.dataset.voila ? `${base}course/vendor/plotly-basic.min.js` : `${base}static/plotly.min.js`;
}

// Draw a chart only when the learner comes near it (or prints the page):
// a phone does not spend time and battery on charts nobody has scrolled to.
function whenNear(node) {
  return new Promise((resolve) => {
    if (!("IntersectionObserver" in window)) { resolve(); return; }
    const seen = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) { seen.disconnect(); resolve(); }
    }, { rootMargin: "600px 0px" });
    seen.observe(node);
    window.addEventListener("beforeprint", () => { seen.disconnect(); resolve(); }, { once: true });
  });
}

// Then wait until the page is idle, so the quiz and text are usable before
// the browser spends time on plotly.js.
function whenIdle() {
  return new Promise((resolve) => {
    if (window.requestIdleCallback) window.requestIdleCallback(() => resolve(), { timeout: 1000 });
    else setTimeout(resolve, 50);
  });
}

function loadPlotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__coursePlotly) {
    window.__coursePlotly = new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = plotlyUrl();
      s.async = true;
      s.onload = () => (window.Plotly ? resolve(window.Plotly) : reject(new Error("plotly.js did not load")));
      s.onerror = () => { window.__coursePlotly = null; reject(new Error("plotly.js could not be fetched")); };
      document.head.appendChild(s);
    });
  }
  return window.__coursePlotly;
}

function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

let counter = 0;

// ---- theme: text takes the page colour; marks too dark to see on a dark
// page are lightened until they reach 3:1 against it (WCAG 1.4.11).

const parsed = new Map();  // an icon chart repeats a few colours hundreds of times: parse each once

function rgb(colour) {
  if (parsed.has(colour)) return parsed.get(colour).slice();
  const probe = document.createElement("span");
  probe.style.color = colour;
  document.body.append(probe);
  const m = getComputedStyle(probe).color.match(/[\d.]+/g) || [];
  probe.remove();
  parsed.set(colour, m.slice(0, 4).map(Number));
  return parsed.get(colour).slice();
}
function luminance([r, g, b]) {
  const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
}
function contrast(a, b) {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}
function visible(colour, bg) {
  if (typeof colour !== "string" || colour.startsWith("rgba(0,0,0,0")) return colour;
  let c = rgb(colour);
  if (c.length < 3 || (c.length === 4 && c[3] === 0)) return colour;
  for (let i = 0; i < 10 && contrast(c, bg) < 3; i++) c = c.slice(0, 3).map((v) => Math.round(v + (255 - v) * 0.2));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}
// ---- narrow screens: nothing is cut off at 320 px --------------------------
const NARROW_PX = 480;

function wrap(text, at = 24) {
  // Greedy line breaks at spaces, so no line is much longer than `at` characters.
  if (typeof text !== "string" || text.length <= at || text.includes("<br>")) return text;
  const lines = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && (line + " " + word).length > at) { lines.push(line); line = word; }
    else line = line ? line + " " + word : word;
  }
  lines.push(line);
  return lines.join("<br>");
}

function narrowed(data, layout) {
  layout.margin = Object.assign({ l: 80, r: 80, t: 100, b: 80 }, layout.margin || {});
  for (const key of Object.keys(layout)) {
    const axis = layout[key];
    if (!/^[xy]axis\d*$/.test(key) || !axis || !axis.title) continue;
    const title = typeof axis.title === "string" ? { text: axis.title } : axis.title;
    const text = wrap(title.text, key.startsWith("x") ? 20 : 24);
    if (text !== title.text) {
      title.text = text;
      title.font = Object.assign({}, title.font || {}, { size: 13 });
      const extra = 18 * (text.split("<br>").length - 1);
      if (key.startsWith("x")) {
        layout.margin.b += extra;
        // A legend below the plot moves down by the same amount, clear of the longer title.
        const legend = layout.legend || {};
        if (typeof legend.y === "number" && legend.y < 0) {
          const plotHeight = (layout.height || 450) - layout.margin.t - layout.margin.b;
          layout.legend = Object.assign({}, legend, { y: legend.y - extra / Math.max(plotHeight, 100) });
          layout.margin.b += extra;
        }
      } else layout.margin.l += extra;
    }
    axis.title = title;
  }
  for (const key of Object.keys(layout)) {
    // Fewer, level tick labels on an x axis that would otherwise crowd them sideways.
    const axis = layout[key];
    if (!/^xaxis\d*$/.test(key) || !axis || typeof axis.dtick !== "number" || !Array.isArray(axis.range)) continue;
    let dtick = axis.dtick;
    while ((axis.range[1] - axis.range[0]) / dtick > 6) dtick *= 2;
    axis.dtick = dtick;
    axis.tickangle = 0;
  }
  for (const a of layout.annotations || []) {
    // Only long labels get smaller; short ones keep their size.
    if (String(a.text || "").replace(/<[^>]+>/g, "").length > 30) {
      a.font = Object.assign({}, a.font || {}, { size: Math.min((a.font && a.font.size) || 12, 10.5) });
    }
  }
  layout.legend = Object.assign({}, layout.legend || {}, { font: { size: 12 } });
  for (const t of data) {
    if (typeof t.name === "string") t.name = wrap(t.name);
    // With a legend to name them, markers need no text beside them (it would run off the edge).
    if ((t.type || "scatter") === "scatter" && typeof t.mode === "string" && t.mode.includes("text") &&
        layout.showlegend !== false && t.showlegend !== false && data.length > 1) {
      t.mode = t.mode.split("+").filter((m) => m !== "text").join("+") || "markers";
    }
  }
}

function themed(fig, host) {
  const style = getComputedStyle(host);
  const layout = fig.layout || {};
  layout.paper_bgcolor = "rgba(0,0,0,0)";
  layout.plot_bgcolor = "rgba(0,0,0,0)";
  layout.font = Object.assign({}, layout.font || {}, { color: style.color, family: style.fontFamily });
  layout.autosize = true;
  // Grid and axis lines: a dim grey that reads on a light and a dark page alike.
  for (const key of Object.keys(layout).concat(["xaxis", "yaxis"])) {
    if (!/^[xy]axis\d*$/.test(key)) continue;
    const axis = (layout[key] = layout[key] || {});
    if (!axis.gridcolor) axis.gridcolor = "rgba(128,128,128,0.35)";
    if (!axis.zerolinecolor) axis.zerolinecolor = "rgba(128,128,128,0.6)";
  }
  const bg = rgb(getComputedStyle(document.body).backgroundColor);
  if (bg.length >= 3 && !(bg.length === 4 && bg[3] === 0) && luminance(bg) < 0.2) {
    const fix = (v) => (Array.isArray(v) ? v.map((x) => visible(x, bg)) : visible(v, bg));
    for (const t of fig.data || []) {
      if (t.marker && t.marker.color) t.marker.color = fix(t.marker.color);
      if (t.line && t.line.color) t.line.color = fix(t.line.color);
    }
  }
  if (host.getBoundingClientRect().width < NARROW_PX) narrowed(fig.data || [], layout);
  return { data: fig.data || [], layout };
}

function render({ model, el: host }) {
  const id = `course-chart-${++counter}`;
  const figure = el("figure", { class: "course-chart", "aria-labelledby": `${id}-cap` });
  const plot = el("div", {
    class: "course-chart-plot",
    role: "img",
    "aria-label": `${model.get("title")}. ${model.get("description")}`,
  });
  // The caption stays short (title and source); the full description is the
  // chart's accessible name and sits, with the numbers, one tap away.
  const cap = el("figcaption", { id: `${id}-cap` });
  cap.append(el("strong", {}, model.get("title")));
  if (model.get("source")) cap.append(el("span", { class: "course-chart-source" }, " Source: " + model.get("source")));

  const details = el("details", { class: "course-chart-data" });
  details.append(el("summary", {}, "Describe this chart and show its numbers"));
  details.append(el("p", { class: "course-chart-desc" }, model.get("description")));
  const table = el("table");
  table.append(el("caption", {}, model.get("title")));
  const head = el("tr");
  for (const c of model.get("columns")) head.append(el("th", { scope: "col" }, c));
  const thead = el("thead");
  thead.append(head);
  table.append(thead);
  const body = el("tbody");
  for (const row of model.get("rows")) {
    const tr = el("tr");
    row.forEach((v, i) => tr.append(el(i === 0 ? "th" : "td", i === 0 ? { scope: "row" } : {}, String(v))));
    body.append(tr);
  }
  table.append(body);
  details.append(table);
  if (window.courseLabelTable) window.courseLabelTable(table);  // one card per row on a phone
  const toggles = model.get("toggle_label") ? el("fieldset", { class: "course-chart-toggles" }) : null;
  figure.append(...(toggles ? [toggles] : []), plot, cap, details);
  host.append(figure);

  whenNear(figure)
    .then(whenIdle)
    .then(loadPlotly)
    .then((Plotly) => {
      const draw = (first) => {
        const { data, layout } = themed(JSON.parse(model.get("figure_json")), host);
        // A redraw keeps what the learner chose to show with the toggles.
        if (!first) data.forEach((t, i) => { if (plot.data && plot.data[i] && plot.data[i].visible !== undefined) t.visible = plot.data[i].visible; });
        return first ? Plotly.newPlot(plot, data, layout, { displayModeBar: false, responsive: true })
          : Plotly.react(plot, data, layout, { displayModeBar: false, responsive: true });
      };
      // Follow the page's theme (device setting or the theme switch) without a reload.
      window.addEventListener("course-theme", () => { if (figure.dataset.ready === "true") draw(false); });
      // Turning a phone, or resizing a window, across the narrow width redraws the labels to fit.
      let narrow = host.getBoundingClientRect().width < NARROW_PX;
      let timer = null;
      window.addEventListener("resize", () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          const now = host.getBoundingClientRect().width < NARROW_PX;
          if (now !== narrow && figure.dataset.ready === "true") { narrow = now; draw(false); }
        }, 200);
      });
      return draw(true);
    })
    .then(() => {
      if (toggles) addToggles(window.Plotly, plot, toggles, model);
      figure.dataset.ready = "true";
    })
    .catch(() => {
      plot.removeAttribute("role");
      plot.removeAttribute("aria-label");
      plot.className = "course-notice";
      plot.textContent = "The chart could not be drawn here. The same numbers are in the table below.";
      details.open = true;
      figure.dataset.ready = "true";
    });
}

function addToggles(Plotly, plot, box, model) {
  box.append(el("legend", {}, model.get("toggle_label")));
  const names = (plot.data || []).map((t, i) => (t.name || `Series ${i + 1}`).replace(/<br>/g, " "));
  const label = () => {
    const shown = names.filter((_, i) => plot.data[i].visible !== false);
    plot.setAttribute("aria-label", `${model.get("title")}. Showing: ${shown.join(", ") || "nothing"}. ${model.get("description")}`);
  };
  names.forEach((name, i) => {
    const id = `${plot.id || "chart"}-t${i}-${Math.random().toString(36).slice(2, 8)}`;
    const box1 = el("input", { type: "checkbox", id });
    box1.checked = true;
    box1.addEventListener("change", () => {
      Plotly.restyle(plot, { visible: box1.checked ? true : false }, [i]).then(label);
    });
    const lab = el("label", { for: id });
    lab.append(box1, document.createTextNode(name));
    box.append(lab);
  });
  label();
}

export default { render };
