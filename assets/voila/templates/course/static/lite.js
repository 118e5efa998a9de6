// The course's widget host: connects a lesson page to its kernel and draws
// the lesson's anywidget views (quiz, charts, explorer, question builder).
//
// Voila's own front end loads JupyterLab's whole widget stack (about 100
// requests and 3 MB) to do this.  The course's widgets are all anywidgets,
// and anywidget's front-end contract is small: a module with render({model,
// el}) and a model with get/set/save_changes/send/on/off.  This file is that
// host and nothing more.  It speaks the Jupyter widget message protocol
// (version 2) over the page's kernel websocket, which Voila limits to comm
// messages, so the page can never ask the kernel to run code.
//
// If the connection is lost (the kernel stops, the server restarts, the
// network drops), the page says so plainly and offers a reload.  Answers and
// progress live in localStorage, so nothing the learner did is lost.

const CONTROL_PROTOCOL = "1.0.0";
const STATE_TIMEOUT_MS = 15000;

const config = JSON.parse(document.getElementById("jupyter-config-data").textContent);
const baseUrl = (config.baseUrl || "/").replace(/\/?$/, "/");
const kernelId = config.kernelId;
const session = uid();
const models = new Map();
const modules = new Map();
let socket = null;
let connected = false;
let leaving = false;

function uid() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
  return Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16)).join("");
}

// ---- the connection ------------------------------------------------------

function message(msgType, content, metadata = {}) {
  return {
    header: { msg_id: uid(), username: "learner", session, date: new Date().toISOString(), msg_type: msgType, version: "5.3" },
    parent_header: {}, metadata, content, channel: "shell", buffers: [],
  };
}

function send(msgType, content, metadata) {
  if (!connected) throw new Error("not connected");
  socket.send(JSON.stringify(message(msgType, content, metadata)));
}

function commSend(commId, data) {
  send("comm_msg", { comm_id: commId, data });
}

// Messages with binary buffers arrive in Jupyter's binary frame format:
// [count, offsets..., JSON, buffers...].  The course's widgets use none, but
// a model that did would still load.
function decode(data) {
  if (typeof data === "string") return JSON.parse(data);
  const view = new DataView(data);
  const count = view.getUint32(0);
  const offsets = Array.from({ length: count }, (_, i) => view.getUint32(4 * (i + 1)));
  offsets.push(data.byteLength);
  const msg = JSON.parse(new TextDecoder().decode(data.slice(offsets[0], offsets[1])));
  msg.buffers = offsets.slice(1, -1).map((start, i) => new DataView(data.slice(start, offsets[i + 2])));
  return msg;
}

function connect() {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  const url = `${proto}//${location.host}${baseUrl}api/kernels/${encodeURIComponent(kernelId)}/channels?session_id=${session}`;
  return new Promise((resolve, reject) => {
    socket = new WebSocket(url);
    socket.binaryType = "arraybuffer";
    socket.onopen = () => { connected = true; resolve(); };
    socket.onerror = () => { if (!connected) reject(new Error("could not connect")); };
    socket.onclose = () => {
      const was = connected;
      connected = false;
      if (!was) reject(new Error("could not connect"));
      lost();
    };
    socket.onmessage = (event) => {
      let msg;
      try { msg = decode(event.data); } catch (e) { return; }
      route(msg);
    };
  });
}

const waiting = new Map();

function route(msg) {
  const type = msg.header && msg.header.msg_type;
  const content = msg.content || {};
  if (type === "status" && ["dead", "restarting", "autorestarting"].includes(content.execution_state)) {
    lost();
    return;
  }
  if (type !== "comm_msg" && type !== "comm_close") return;
  const commId = content.comm_id;
  if (waiting.has(commId)) {
    waiting.get(commId)(content.data || {}, msg.buffers || []);
    return;
  }
  const model = models.get(commId);
  if (!model) return;
  if (type === "comm_close") { model.closed = true; return; }
  const data = content.data || {};
  if (data.method === "update" || data.method === "echo_update") model._merge(data.state || {});
  else if (data.method === "custom") model._emit("msg:custom", data.content, msg.buffers || []);
}

// Ask the kernel for every widget's state in one round trip
// (ipywidgets' "jupyter.widget.control" comm).
function requestStates() {
  const commId = uid();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { waiting.delete(commId); reject(new Error("no reply")); }, STATE_TIMEOUT_MS);
    waiting.set(commId, (data) => {
      if (data.method !== "update_states") return;
      clearTimeout(timer);
      waiting.delete(commId);
      resolve(data.states || {});
    });
    send("comm_open", { comm_id: commId, target_name: "jupyter.widget.control", data: {} }, { version: CONTROL_PROTOCOL });
    commSend(commId, { method: "request_states" });
  });
}

// ---- the anywidget model -------------------------------------------------

class Model {
  constructor(id, state) {
    this.id = id;
    this.state = state;
    this.changed = {};
    this.listeners = new Map();
    this.closed = false;
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
    const state = this.changed;
    this.changed = {};
    if (Object.keys(state).length) commSend(this.id, { method: "update", state, buffer_paths: [] });
  }
  send(content, callbacks, buffers) {
    if (this.closed) throw new Error("closed");
    commSend(this.id, { method: "custom", content });
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
  _merge(state) {
    for (const [key, value] of Object.entries(state)) {
      this.state[key] = value;
      this._emit(`change:${key}`, value);
    }
    this._emit("change");
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

function banner(text) {
  const box = document.getElementById("course-connection");
  if (!box) return;
  box.replaceChildren();
  const p = document.createElement("p");
  p.textContent = text;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "course-button";
  button.textContent = "Reload the page";
  button.addEventListener("click", () => location.reload());
  box.append(p, button);
  box.hidden = false;
  document.body.dataset.connection = "lost";
}

function lost() {
  if (leaving || document.body.dataset.connection === "lost") return;
  connected = false;
  banner("This lesson lost its connection to the course server, so quiz answers cannot be checked " +
    "right now. Your saved answers and progress are safe in this browser. Reload the page to continue.");
}

// Closing the tab shuts the lesson's kernel down at once (with the _xsrf
// token the page's cookie carries), instead of waiting for the idle cull.
function shutdownOnLeave() {
  const leave = () => {
    if (leaving) return;
    leaving = true;
    const form = new FormData();
    const match = document.cookie.match(/\b_xsrf=([^;]*)\b/);
    form.append("_xsrf", match ? match[1] : "");
    navigator.sendBeacon(`${baseUrl}voila/api/shutdown/${encodeURIComponent(kernelId)}`, form);
  };
  window.addEventListener("beforeunload", leave);
  window.addEventListener("pagehide", leave);
}

async function main() {
  const hosts = Array.from(document.querySelectorAll(".course-widget[data-model-id]"));
  document.body.dataset.connection = "connecting";
  shutdownOnLeave();
  try {
    await connect();
    const states = await requestStates();
    document.body.dataset.connection = "open";
    for (const host of hosts) await draw(host, states);
  } catch (e) {
    lost();
    for (const host of hosts) {
      if (host.dataset.state !== "ready") {
        notice(host, "This part of the lesson could not be loaded because the course server did not answer. Reload the page to try again.");
      }
    }
  }
}

main();
