// The course's widget host: draws a lesson page's anywidget views (quiz,
// charts, explorer, question builder) from the widget state embedded in the
// page, with no kernel.
//
// The course server runs each lesson once and writes every widget's state
// into the page (<script id="course-widget-state">, the ipywidgets
// widget-state JSON), so each widget draws at first paint.  Changes a widget
// makes stay in the page.  A quiz's model.send() becomes one request to the
// course's grading endpoint, and the reply comes back as the model's
// "msg:custom" event, as it would from a kernel.
//
// The page needs the server only to check quiz answers.  If a check fails
// (the server is down, the network drops, the page is out of date), the
// quiz gets a plain message in its reply; saved answers and progress live
// in localStorage, so nothing the learner did is lost.
//
// ---- What this host supports of anywidget's front-end contract ------------
// (anywidget's "AFM": https://anywidget.dev/en/afm/ and @anywidget/types.)
// tests/browser/test_lite.py checks each line below with the probe widget in
// tests/fixtures/widget-host.ipynb.  (This file is longer than 300 lines because
// of this list; its code is about 220 lines.)
//
// Widgets.  Only anywidget models (_model_module "anywidget") are drawn, from
//   their _esm source text (and _css).  Any other widget, such as a stock
//   ipywidget (IntSlider, interact) or bqplot, gets the plain "could not be
//   shown" notice, and the console names its model.  Such widgets work in
//   JupyterLab (`make lab`) but not here; the lesson contract
//   (widgets/authoring/contract.py) keeps them out of lessons.
// The module.  `export default {initialize, render}`, or a function (async
//   or not) returning that object, called once per model.
//   initialize({model, experimental}): once per model, before its first view.
//   render({model, el, experimental}): once per view; el is the placeholder.
//   Each may return a cleanup function (or a promise of one).  A view's
//   cleanup runs when the view is removed: when its element leaves the page,
//   or when the page is unloaded for good (pagehide, unless the page goes
//   into the back-forward cache, where it stays alive).  initialize's
//   cleanup runs at that unload, after the views'.  Listeners that a view
//   (or initialize) added with model.on are removed with it, and its
//   model.off() removes only its own, as anywidget does in Jupyter.
// The model.
//   get(name), set(name, value).  set emits "change:<name>", then "change",
//     only when the value differs (JSON-equal values count as the same), as
//     Backbone does in Jupyter.
//   on/off("change:<name>", cb): cb(model, value): anywidget's documented
//     (_, value).  Portable widgets read model.get() instead (AFM).
//   on/off("change", cb): cb(model).
//   on/off("msg:custom", cb): cb(content, buffers); buffers is always [].
//   off(), off(event), off(event, cb): as in Backbone.
//   save_changes(): accepted; with no kernel, changes stay in the page.
//   widget_manager.get_model(id): the models drawn on this page only.
// send(content, callbacks, buffers).
//   content: sent as JSON, one POST to /course/api/grade; the reply arrives
//     as one "msg:custom" event.  Only a quiz (an _anywidget_id ending in
//     ".Quiz") may send; another widget's message is dropped with a console
//     warning.
//   callbacks: ipywidgets' kernel-message callbacks.  callbacks.iopub.status
//     gets {header: {msg_type: "status"}, content: {execution_state}}:
//     "busy" as the message goes and "idle" after its reply was delivered,
//     as a kernel reports a comm message.  shell.reply, iopub.output,
//     iopub.clear_output and input are never called: nothing runs that
//     would produce them.
//   buffers: refused.  A message with buffers is not sent at all, and one
//     console warning says why: grading takes JSON.
// Not supported: experimental.invoke (its promise rejects, saying so);
//   syncing changes to a kernel; events other than those above (they can be
//   listened to but never fire); on()'s third (context) argument; _esm or
//   _css given as a URL; anywidget's hot reloading of _esm.

const GRADE_TIMEOUT_MS = 8000;  // under quiz.js's own 10 s, so this plainer message wins
const COULD_NOT_SHOW = "This part of the lesson could not be shown. The rest of the lesson still works. " +
  "Reload the page to try again.";

const config = JSON.parse(document.getElementById("jupyter-config-data").textContent);
const baseUrl = (config.baseUrl || "/").replace(/\/?$/, "/");
const version = config.contentVersion || "";
const page = document.body.dataset.lesson || "";
const models = new Map();   // model id -> Model
const modules = new Map();  // _esm source -> its imported module
const views = new Map();    // placeholder element -> { model, owner, cleanup }

const isQuiz = (state) => String((state && state._anywidget_id) || "").endsWith(".Quiz");
const same = (a, b) => a === b || (a !== null && b !== null && typeof a === "object" &&
  typeof b === "object" && JSON.stringify(a) === JSON.stringify(b));
const experimental = {
  invoke: async (name) => {
    throw new Error(`experimental.invoke("${name}") is not supported on the course page: it has no kernel`);
  },
};

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
    this.listeners = new Map();  // event -> [{ callback, owner }]
    this.cleanup = null;         // what initialize returned
    this.widget_manager = { get_model: async (ref) => models.get(String(ref).replace(/^IPY_MODEL_/, "")) };
  }
  get(key) { return this.state[key]; }
  set(key, value) {
    if (same(this.state[key], value)) return;
    this.state[key] = value;
    this.changed[key] = value;
    this._emit(`change:${key}`, this, value);
    this._emit("change", this);
  }
  save_changes() {
    this.changed = {};  // no kernel: a widget's own changes stay in the page
  }
  send(content, callbacks, buffers) {
    if (buffers !== undefined && buffers !== null && !(Array.isArray(buffers) && buffers.length === 0)) {
      console.warn("A widget message with binary buffers was not sent: the course page grades JSON only. " +
        "Put the data in the message's content instead.");
      return;
    }
    if (!isQuiz(this.state)) {
      console.warn("Only a quiz can send messages to the course server; this message was dropped.");
      return;
    }
    const status = callbacks && callbacks.iopub && callbacks.iopub.status;
    const report = (state) => {
      if (typeof status !== "function") return;
      try { status({ header: { msg_type: "status" }, content: { execution_state: state } }); }
      catch (e) { console.warn("a widget's status callback failed", e); }
    };
    report("busy");
    grade(this, content).then((reply) => { this._emit("msg:custom", reply, []); report("idle"); });
  }
  // owner: the view (or initialize) that added the listener; off() with an
  // owner touches only that owner's listeners.
  on(event, callback, owner = null) {
    if (typeof callback !== "function") return;
    if (!this.listeners.has(event)) this.listeners.set(event, []);
    this.listeners.get(event).push({ callback, owner });
  }
  off(event, callback, owner = null) {
    for (const [name, list] of this.listeners) {
      if (event && name !== event) continue;
      this.listeners.set(name, list.filter((l) =>
        (callback && l.callback !== callback) || (owner !== null && l.owner !== owner)));
    }
  }
  _emit(event, ...args) {
    for (const { callback } of (this.listeners.get(event) || []).slice()) {
      try { callback(...args); } catch (e) { console.warn("widget listener failed", e); }
    }
  }
}

// What initialize or one view is given as `model`: the model, with on/off
// kept to that owner's own listeners.
function handle(model, owner) {
  return {
    get: (key) => model.get(key),
    set: (key, value) => model.set(key, value),
    save_changes: () => model.save_changes(),
    send: (content, callbacks, buffers) => model.send(content, callbacks, buffers),
    on: (event, callback) => model.on(event, callback, owner),
    off: (event, callback) => model.off(event, callback, owner),
    widget_manager: model.widget_manager,
  };
}

function runCleanup(cleanup, what) {
  if (typeof cleanup !== "function") return;
  try {
    Promise.resolve(cleanup()).catch((e) => console.warn(what, e));
  } catch (e) {
    console.warn(what, e);
  }
}

function widgetModule(model) {
  const code = model.get("_esm");
  if (typeof code !== "string" || !code) return Promise.reject(new Error("no widget code"));
  if (!modules.has(code)) {
    const url = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
    modules.set(code, import(url));
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

// The model's widget definition, made and initialized once per model.
function widgetOf(model) {
  if (!model.ready) {
    model.ready = widgetModule(model).then(async (mod) => {
      const widget = typeof mod.default === "function" ? await mod.default() : mod.default;
      if (!widget || typeof widget !== "object") throw new Error("the widget module exports no widget");
      if (typeof widget.initialize === "function") {
        model.cleanup = await widget.initialize({ model: handle(model, model), experimental });
      }
      return widget;
    });
  }
  return model.ready;
}

// ---- views: drawing, removing, notices -------------------------------------

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
    if (entry) console.warn(`A ${entry.model_module} ${entry.model_name} cannot be drawn on the course page: ` +
      "only anywidget widgets can (see lite.js).");
    notice(host, COULD_NOT_SHOW);
    return;
  }
  let model = models.get(id);
  if (!model) {
    model = new Model(id, entry.state || {});
    models.set(id, model);
  }
  const owner = {};
  try {
    const widget = await widgetOf(model);
    host.replaceChildren();
    const cleanup = widget.render ? await widget.render({ model: handle(model, owner), el: host, experimental }) : null;
    views.set(host, { model, owner, cleanup });
    host.dataset.state = "ready";
  } catch (e) {
    model.off(null, null, owner);
    console.warn("a lesson widget failed to draw", e);
    notice(host, COULD_NOT_SHOW);
  }
}

function removeView(host) {
  const view = views.get(host);
  if (!view) return;
  views.delete(host);
  runCleanup(view.cleanup, "a widget view's cleanup failed");
  view.model.off(null, null, view.owner);
}

// A view is removed when its element leaves the page...
new MutationObserver(() => {
  for (const host of Array.from(views.keys())) if (!host.isConnected) removeView(host);
}).observe(document.body, { childList: true, subtree: true });

// ...and every view and model when the page is unloaded for good.
addEventListener("pagehide", (event) => {
  if (event.persisted) return;  // kept in the back-forward cache, alive
  for (const host of Array.from(views.keys())) removeView(host);
  for (const model of models.values()) {
    runCleanup(model.cleanup, "a widget's cleanup failed");
    model.cleanup = null;
    model.off(null, null, model);  // initialize's listeners
  }
});

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
  const quizFirst = (host) => isQuiz((states[host.dataset.modelId] || {}).state);
  const ordered = hosts.filter(quizFirst).concat(hosts.filter((host) => !quizFirst(host)));
  await Promise.all(ordered.map((host) => draw(host, states)));
  document.body.dataset.widgets = "ready";
}

main();
