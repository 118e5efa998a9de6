// Step-by-step explorer: Previous/Next buttons, a live caption, and the full
// sequence as an ordered list for anyone who prefers to read it all at once.
// el() comes from dom.js (see _base.py).

let counter = 0;

function render({ model, el: host }) {
  const id = `course-stepper-${++counter}`;
  const steps = model.get("steps");
  let at = 0;
  const section = el("section", { class: "course-stepper", "aria-labelledby": `${id}-t`, "data-ready": "false" });
  section.append(el("h3", { id: `${id}-t` }, model.get("title")));
  if (model.get("description")) section.append(el("p", { class: "course-stepper-desc" }, model.get("description")));

  // The step pills are buttons: each one jumps to its step (they look like buttons, so they work as buttons).
  const track = el("ol", { class: "course-stepper-track", "aria-label": "Steps" });
  steps.forEach((s, i) => {
    const pill = el("button", { type: "button", class: "course-stepper-pill", "data-step": String(i) },
      el("span", { class: "course-stepper-dot" }, String(i + 1)), el("span", { class: "course-stepper-name" }, s.title));
    pill.addEventListener("click", () => show(i));
    track.append(el("li", {}, pill));
  });

  const panel = el("div", { class: "course-stepper-panel", role: "status", "aria-live": "polite", "aria-atomic": "true" });
  const prev = el("button", { type: "button", class: "cq-button" }, "← Previous step");
  const next = el("button", { type: "button", class: "cq-button cq-check" }, "Next step →");
  const nav = el("div", { class: "cq-buttons" }, prev, next);

  function show(i) {
    at = Math.max(0, Math.min(steps.length - 1, i));
    const s = steps[at];
    panel.replaceChildren(
      el("p", { class: "course-stepper-count" }, `Step ${at + 1} of ${steps.length}`),
      el("h4", {}, s.title),
      el("p", {}, s.caption + (s.cite ? " " + s.cite : "")),
      el("p", { class: "course-stepper-evidence" }, el("strong", {}, "Evidence: "), s.evidence),
    );
    track.querySelectorAll(".course-stepper-pill").forEach((pill, j) => {
      pill.classList.toggle("is-current", j === at);
      pill.classList.toggle("is-done", j < at);
      if (j === at) pill.setAttribute("aria-current", "step"); else pill.removeAttribute("aria-current");
    });
    prev.disabled = at === 0;
    next.disabled = at === steps.length - 1;
  }
  prev.addEventListener("click", () => { show(at - 1); (prev.disabled ? next : prev).focus(); });
  next.addEventListener("click", () => { show(at + 1); (next.disabled ? prev : next).focus(); });

  const all = el("details", { class: "course-chart-data" }, el("summary", {}, "Show all steps as a list"));
  const list = el("ol");
  steps.forEach((s) => list.append(el("li", {}, el("strong", {}, s.title + ". "), s.caption + (s.cite ? " " + s.cite : "") + " Evidence: " + s.evidence + ".")));
  all.append(list);
  section.append(track, panel, nav, all);
  if (model.get("source")) section.append(el("p", { class: "course-chart-source" }, "Sources: " + model.get("source")));
  show(0);
  host.append(section);
  section.dataset.ready = "true";
}

export default { render };
