// Questions-for-my-care-team builder. Choices live only in this browser
// (courseStorage, from storage.js); el() comes from dom.js (see _base.py).
let counter = 0;

function render({ model, el: host }) {
  const id = `course-qb-${++counter}`;
  const groups = model.get("groups");
  const textOf = new Map(groups.flatMap((g) => g.questions.map((q) => [q.id, q.text])));
  let state = courseStorage.careQuestions();

  const section = el("section", { class: "course-qb cq", "aria-labelledby": `${id}-t`, "data-ready": "false" });
  section.append(el("h3", { id: `${id}-t` }, "Build your list"),
    el("p", { class: "cq-hint" }, "Tick the questions you want to ask. Add your own. Your list stays in this browser only."));

  groups.forEach((g, gi) => {
    const fs = el("fieldset", { class: "cq-q" }, el("legend", {}, g.heading));
    g.questions.forEach((q) => {
      const box = el("input", { type: "checkbox", id: `${id}-${q.id}`, value: q.id });
      box.checked = state.ticked.includes(q.id);
      box.addEventListener("change", () => {
        state = courseStorage.changeCareQuestions((cq) => {
          cq.ticked = cq.ticked.filter((x) => x !== q.id);
          if (box.checked) cq.ticked.push(q.id);
        });
        drawHandout();
      });
      fs.append(el("div", { class: "cq-option" }, box, el("label", { for: `${id}-${q.id}` }, q.text)));
    });
    section.append(fs);
  });

  const own = el("fieldset", { class: "cq-q" }, el("legend", {}, "My own questions"));
  const input = el("input", { type: "text", id: `${id}-own`, class: "course-qb-input", maxlength: "300", autocomplete: "off" });
  const add = el("button", { type: "button", class: "cq-button" }, "Add my question");
  const ownList = el("ul", { class: "course-qb-own" });
  const status = el("p", { class: "cq-feedback", role: "status", "aria-live": "polite" });
  own.append(el("label", { for: `${id}-own`, class: "cq-tb-label" }, "Type a question"), input, el("div", { class: "cq-buttons" }, add), ownList);
  section.append(own);

  function addOwn() {
    const text = input.value.trim();
    if (!text) { status.textContent = "Type a question first, then press “Add my question”."; return; }
    state = courseStorage.changeCareQuestions((cq) => { cq.own.push(text.slice(0, 300)); });
    input.value = "";
    status.textContent = `Added: ${text}`;
    drawOwn(); drawHandout(); input.focus();
  }
  add.addEventListener("click", addOwn);
  input.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); addOwn(); } });

  function drawOwn() {
    ownList.replaceChildren();
    state.own.forEach((text, i) => {
      const remove = el("button", { type: "button", class: "cq-move", "aria-label": `Remove “${text}”` }, "Remove");
      remove.addEventListener("click", () => {
        state = courseStorage.changeCareQuestions((cq) => { cq.own.splice(i, 1); });
        status.textContent = `Removed: ${text}`;
        drawOwn(); drawHandout();
        (ownList.querySelector("button") || input).focus();
      });
      ownList.append(el("li", {}, el("span", {}, text), remove));
    });
  }

  const printBtn = el("button", { type: "button", class: "cq-button cq-check" }, "Print or save my list");
  section.append(el("div", { class: "cq-buttons" }, printBtn), status);

  // The handout: what goes on paper. Screen readers also get it as a preview.
  const handout = el("section", { class: "course-handout", "aria-labelledby": `${id}-h` });
  function drawHandout() {
    const items = [...[...textOf.keys()].filter((q) => state.ticked.includes(q)).map((q) => textOf.get(q)), ...state.own];
    const list = el("ol");
    items.forEach((t) => list.append(el("li", {}, t, el("span", { class: "course-handout-lines", "aria-hidden": "true" }))));
    handout.replaceChildren(
      el("h3", { id: `${id}-h` }, model.get("title")),
      el("p", { class: "course-handout-date" }, "Appointment date: ____________________"),
      el("p", {}, items.length ? `${items.length} question${items.length === 1 ? "" : "s"} to ask.` : "No questions chosen yet."),
      list,
      el("p", { class: "course-handout-note" }, "From the course “Ketamine and esketamine for treatment-resistant depression”. This is not medical advice. Need help now? In the US call or text 988; elsewhere see findahelpline.com."),
    );
  }
  printBtn.addEventListener("click", () => {
    // Mark the handout and its ancestors, so print CSS can hide everything else.
    document.body.classList.add("course-print-handout");
    for (let n = handout; n && n !== document.body; n = n.parentElement) n.classList.add("course-print-path");
    const done = () => {
      document.body.classList.remove("course-print-handout");
      document.querySelectorAll(".course-print-path").forEach((n) => n.classList.remove("course-print-path"));
      window.removeEventListener("afterprint", done);
    };
    window.addEventListener("afterprint", done);
    window.print();
  });

  drawOwn(); drawHandout();
  section.append(el("h4", {}, "Preview of your list"), handout);
  host.append(section);
  section.dataset.ready = "true";
}

export default { render };
