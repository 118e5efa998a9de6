// The course's widget host: draws a lesson page's anywidget views (quiz,
// charts, explorer, question builder) from the widget state embedded in the
// page, with no kernel.
//
// The course server runs each lesson once and writes every widget's state
// into the page (<script id="course-widget-state">, the ipywidgets
// widget-state JSON), so each widget draws at first paint.  anywidget's
// front-end contract is small: a module with render({model, el}) and a model
// with get/set/save_changes/send/on/off.  This file is that host and nothing
// more.  Changes a widget makes stay in the page.  A quiz's model.send()
// becomes one request to the course's grading endpoint, and the reply comes
// back as the model's "msg:custom" event, as it would from a kernel.
//
// The page needs the server only to check quiz answers.  If a check fails
// (the server is down, the network drops, the page is out of date), the
// quiz gets a plain message in its reply; saved answers and progress live
// in localStorage, so nothing the learner did is lost.

const GRADE_TIMEOUT_MS = 8000;  // under quiz.js's own 10 s, so this plainer message wins

const config = JSON.parse(document.getElementById("jupyter-config-data").textContent);
const baseUrl = (config.baseUrl || "/").replace(/\/?$/, "/");
const version = config.contentVersion || "";
const page = document.body.dataset.lesson || "";
const models = new Map();
const modules = new Map();

function xsrfToken() {
  const match = document.cookie.match(/\b_xsrf=([^;]*)\b/);
  return match ? decodeURIComponent(match[1]) : "";
}

// ---- grading -------------------------------------------------------------

// One request to the course server; always resolves to a reply the quiz can
// show, with the request number the quiz is waiting for.
async function grade(model, content) {
  const request = content && typeof content === "object" ? content.request : undefined;
  const failed = (message) => ({ request, kind: "error", message });
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), GRADE_TIMEOUT_MS);
  try {
    const response = await fetch(`${baseUrl}course/api/grade`, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-XSRFToken": xsrfToken() },
      body: JSON.stringify({ version, page, quiz: model.get("lesson"), content }),
      signal: controller.signal,
    });
    let reply = null;
    try { reply = await response.json(); } catch (e) { reply = null; }
    if (reply && typeof reply === "object" && typeof reply.kind === "string") {
      if (reply.request === undefined || reply.request === null) reply.request = request;
      return reply;
    }
    return failed("Sorry, that answer could not be checked just now. Try again in a moment. " +
      "Your saved answers stay in this browser.");
  } catch (e) {
    return failed("The course server could not be reached, so this answer was not checked. " +
      "Check your connection and try again. Your saved answers stay in this browser.");
  } finally {
    clearTimeout(timer);
  }
}

// ---- the anywidget model -------------------------------------------------

class Model {
  constructor(id, state) {
    this.id = id;
    this.state = state;
    this.changed = {};
    this.listeners = new Map();
    this.widget_manager = { get_model: async (ref) => models.get(String(ref).replace(/^IPY_MODEL_/, "")) };
  }
  get(key) { return this.state[key]; }
  set(key, value) {
    this.state[key] = value;
    this.changed[key] = value;
    this._emit(`change:${key}`, value);
    this._emit("change", value);
  }
  save_changes() {
    // No kernel: a widget's own changes stay in the page.
    this.changed = {};
  }
  send(content, callbacks, buffers) {
    if (!String(this.get("_anywidget_id") || "").endsWith(".Quiz")) {
      console.warn("Only a quiz can send messages to the course server; this message was dropped.");
      return;
    }
    grade(this, content).then((reply) => this._emit("msg:custom", reply, []));
  }
  on(event, callback) {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event).add(callback);
  }
  off(event, callback) {
    if (!event) this.listeners.clear();
    else if (!callback) this.listeners.delete(event);
    else if (this.listeners.has(event)) this.listeners.get(event).delete(callback);
  }
  _emit(event, ...args) {
    for (const callback of this.listeners.get(event) || []) {
      try { callback(...args); } catch (e) { console.warn("widget listener failed", e); }
    }
  }
}

async function widgetModule(model) {
  const code = model.get("_esm");
  if (typeof code !== "string" || !code) throw new Error("no widget code");
  if (!modules.has(code)) {
    const url = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
    modules.set(code, import(url).then((mod) => {
      const widget = mod.default;
      return typeof widget === "function" ? widget() : widget;
    }));
  }
  const css = model.get("_css");
  if (typeof css === "string" && css && !document.querySelector(`style[data-widget-css="${model.get("_anywidget_id")}"]`)) {
    const style = document.createElement("style");
    style.dataset.widgetCss = model.get("_anywidget_id") || "";
    style.textContent = css;
    document.head.append(style);
  }
  return modules.get(code);
}

// ---- drawing and notices -------------------------------------------------

function notice(host, text) {
  host.replaceChildren();
  const p = document.createElement("p");
  p.className = "course-notice";
  p.textContent = text;
  host.append(p);
  host.dataset.state = "failed";
}

async function draw(host, states) {
  const id = host.dataset.modelId;
  const entry = states[id];
  if (!entry || entry.model_module !== "anywidget") {
    notice(host, "This part of the lesson could not be shown. The rest of the lesson still works. Reload the page to try again.");
    return;
  }
  let model = models.get(id);
  const fresh = !model;
  if (fresh) {
    model = new Model(id, entry.state || {});
    models.set(id, model);
  }
  try {
    const widget = await widgetModule(model);
    if (fresh && widget.initialize) await widget.initialize({ model });
    host.replaceChildren();
    await widget.render({ model, el: host });
    host.dataset.state = "ready";
  } catch (e) {
    console.warn("a lesson widget failed to draw", e);
    notice(host, "This part of the lesson could not be shown. The rest of the lesson still works. Reload the page to try again.");
  }
}

async function main() {
  const hosts = Array.from(document.querySelectorAll(".course-widget[data-model-id]"));
  let states = {};
  try {
    const found = document.getElementById("course-widget-state");
    states = JSON.parse(found ? found.textContent : "{}") || {};
  } catch (e) {
    states = {};
  }
  // The quiz first: it is what a learner acts on.  Every widget's code starts
  // loading at once, and each widget draws as soon as its own code is ready.
  const isQuiz = (host) => {
    const entry = states[host.dataset.modelId];
    return Boolean(entry && entry.state && String(entry.state._anywidget_id || "").endsWith(".Quiz"));
  };
  const ordered = hosts.filter(isQuiz).concat(hosts.filter((host) => !isQuiz(host)));
  await Promise.all(ordered.map((host) => draw(host, states)));
  document.body.dataset.widgets = "ready";
}

main();
