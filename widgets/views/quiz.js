// Quiz view: semantic, keyboard-first controls over the kernel's grader.
// Answers and progress are kept only in this browser (courseStorage, from
// storage.js); el() comes from dom.js.  _base.py puts both in front of this file.
// Request/reply shapes: widgets/model/messages.py (REQUEST, REPLY); answered by
// widgets.model.grading.handle, in the kernel (make lab) or on the server.

const REPLY_TIMEOUT_MS = 10000;
const STATUS_WORDS = { right: "✔ Right", wrong: "✘ Not right", missed: "Missed", neutral: "" };
let uid = 0;
const saved = (lesson, qid) => courseStorage.answer(lesson, qid);
const save = (lesson, qid, entry) => courseStorage.saveAnswer(lesson, qid, entry);

const h = el;  // from dom.js

function feedbackNodes(fb, extra) {
  const nodes = [];
  const icon = fb.correct === true ? "✔" : fb.correct === false ? "✘" : "ℹ";
  const cls = fb.correct === true ? "cq-right" : fb.correct === false ? "cq-wrong" : "cq-neutral";
  nodes.push(h("p", { class: `cq-headline ${cls}` }, h("span", { "aria-hidden": "true" }, icon + " "), fb.headline));
  if (fb.items && fb.items.length) {
    const ul = h("ul", { class: "cq-explain" });
    for (const item of fb.items) {
      const li = h("li", { class: `cq-item cq-${item.status}` });
      const word = STATUS_WORDS[item.status] || "";
      if (word) li.append(h("strong", {}, word + ": "));
      li.append(h("span", { class: "cq-label" }, item.label), document.createTextNode(" — " + item.explain));
      ul.append(li);
    }
    nodes.push(ul);
  }
  if (extra && extra.model_answer) {
    nodes.push(h("p", { class: "cq-model" }, h("strong", {}, "A model answer: "), extra.model_answer));
  }
  return nodes;
}

function render({ model, el }) {
  const lesson = model.get("lesson");
  const questions = model.get("questions");
  const practice = model.get("practice") || [];
  const id = `cq${++uid}`;
  const pending = new Map();
  let requestNo = 0;

  // The lesson's own "## Check your understanding" heading sits right above
  // the quiz, so the quiz names itself without a second heading.
  const section = h("section", { class: "cq", "aria-label": model.get("title"), "data-ready": "false" });
  section.append(
    h("p", { class: "cq-intro" },
      `${questions.length} questions. Choose an answer, then press “Check answer”. ` +
      "Each answer is explained. You can try again as often as you like; there is no time limit."),
  );
  const summary = h("p", { class: "cq-summary" });
  const connection = h("p", { class: "cq-connection", role: "alert" });

  function updateSummary() {
    const scored = (list) => list.filter((q) => q.type !== "teachback").map((q) => saved(lesson, q.id));
    const entries = scored(questions);
    const answered = entries.filter((e) => e && e.answered).length;
    const right = entries.filter((e) => e && e.correct === true).length;
    const extra = scored(practice);
    const extraRight = extra.filter((e) => e && e.correct === true).length;
    summary.textContent = `Your score in this lesson: ${right} of ${entries.length} questions right` +
      ` (${answered} answered)` + (extraRight ? `, and ${extraRight} of ${extra.length} practice questions right` : "") +
      ". The “in your own words” question is not scored. Saved only in this browser.";
  }

  function send(action, q, answer) {
    const request = ++requestNo;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        pending.delete(request);
        connection.textContent = "The course server did not reply, so the connection may be lost. " +
          "Reload the page to continue. Your saved answers stay in this browser.";
        resolve(null);
      }, REPLY_TIMEOUT_MS);
      pending.set(request, (msg) => { clearTimeout(timer); resolve(msg); });
      try {
        model.send({ request, action, qid: q.id, answer });
      } catch (e) {
        clearTimeout(timer);
        pending.delete(request);
        connection.textContent = "The connection to the course server was lost. " +
          "Reload the page to continue. Your saved answers stay in this browser.";
        resolve(null);
      }
    });
  }
  model.on("msg:custom", (msg) => {
    const done = msg && pending.get(msg.request);
    if (done) { pending.delete(msg.request); done(msg); }
  });

  questions.forEach((q, n) => section.append(renderQuestion(q, n, questions.length, "Question")));
  section.append(summary);
  if (practice.length) {
    // Optional questions, collapsed so the main quiz stays short; same grading and explanations.
    const more = h("details", { class: "cq-more" },
      h("summary", {}, `More practice (optional): ${practice.length} more question${practice.length === 1 ? "" : "s"}`));
    practice.forEach((q, n) => more.append(renderQuestion(q, n, practice.length, "Practice question")));
    section.append(more);
  }
  section.append(connection);
  updateSummary();
  el.append(section);
  section.dataset.ready = "true";

  function renderQuestion(q, n, total, word) {
    const qid = `${id}-${q.id}`;
    const fs = h("fieldset", { class: `cq-q cq-type-${q.type}`, "data-qid": q.id });
    const legend = h("legend", {}, h("span", { class: "cq-num" }, `${word} ${n + 1} of ${total}. `), q.prompt);
    fs.append(legend);
    const status = h("div", { class: "cq-feedback", role: "status", "aria-live": "polite", "aria-atomic": "true", id: `${qid}-fb` });
    const prior = saved(lesson, q.id);
    let getAnswer;
    let restore = () => {};

    if (q.type === "single" || q.type === "truefalse" || q.type === "multi") {
      const multi = q.type === "multi";
      if (multi) fs.append(h("p", { class: "cq-hint", id: `${qid}-hint` }, "Choose all that apply."));
      const inputs = q.options.map((text, i) => {
        const input = h("input", { type: multi ? "checkbox" : "radio", name: qid, id: `${qid}-o${i}`, value: String(i),
          "aria-describedby": multi ? `${qid}-hint` : null });
        fs.append(h("div", { class: "cq-option" }, input, h("label", { for: `${qid}-o${i}` }, text)));
        return input;
      });
      getAnswer = () => {
        const chosen = inputs.filter((x) => x.checked).map((x) => Number(x.value));
        if (q.type === "truefalse") return chosen.length ? chosen[0] === 0 : null;
        if (q.type === "single") return chosen.length ? chosen[0] : null;
        return chosen;
      };
      restore = (ans) => {
        const set = q.type === "truefalse" ? [ans ? 0 : 1] : q.type === "single" ? [ans] : ans || [];
        inputs.forEach((x, i) => { x.checked = set.includes(i); });
      };
    } else if (q.type === "order") {
      fs.append(h("p", { class: "cq-hint" }, "Use the Up and Down buttons to put the steps in order, first step at the top."));
      const list = h("ol", { class: "cq-order" });
      let order = q.items.map((it) => it.index);
      const textOf = new Map(q.items.map((it) => [it.index, it.text]));
      const drawOrder = (focus) => {
        list.replaceChildren();
        order.forEach((idx, pos) => {
          const text = textOf.get(idx);
          const up = h("button", { type: "button", class: "cq-move", "aria-label": `Move “${text}” up`, disabled: pos === 0 }, "↑ Up");
          const down = h("button", { type: "button", class: "cq-move", "aria-label": `Move “${text}” down`, disabled: pos === order.length - 1 }, "↓ Down");
          up.addEventListener("click", () => move(pos, -1, "up"));
          down.addEventListener("click", () => move(pos, 1, "down"));
          list.append(h("li", { class: "cq-order-item" }, h("span", { class: "cq-order-text" }, text), h("span", { class: "cq-order-buttons" }, up, down)));
          if (focus && focus.index === idx) {
            const target = focus.dir === "up" ? (pos === 0 ? down : up) : (pos === order.length - 1 ? up : down);
            requestAnimationFrame(() => target.focus());
          }
        });
      };
      const move = (pos, delta, dir) => {
        const to = pos + delta;
        if (to < 0 || to >= order.length) return;
        [order[pos], order[to]] = [order[to], order[pos]];
        drawOrder({ index: order[to], dir });
        status.replaceChildren(h("p", {}, `“${textOf.get(order[to])}” is now step ${to + 1} of ${order.length}.`));
      };
      drawOrder();
      fs.append(list);
      getAnswer = () => order.slice();
      restore = (ans) => { if (Array.isArray(ans) && ans.length === order.length) { order = ans.slice(); drawOrder(); } };
    } else if (q.type === "teachback") {
      const ta = h("textarea", { id: `${qid}-text`, rows: "4", "aria-describedby": `${qid}-note` });
      const note = h("p", { class: "cq-hint", id: `${qid}-note` }, "Your words stay in this browser. They are not sent or marked.");
      fs.append(h("label", { for: `${qid}-text`, class: "cq-tb-label" }, "Your answer"), ta, note);
      const kp = h("fieldset", { class: "cq-keypoints" }, h("legend", {}, "Which of these key points did you cover?"));
      const boxes = q.key_points.map((text, i) => {
        const box = h("input", { type: "checkbox", id: `${qid}-k${i}`, value: String(i) });
        kp.append(h("div", { class: "cq-option" }, box, h("label", { for: `${qid}-k${i}` }, text)));
        return box;
      });
      fs.append(kp);
      getAnswer = () => boxes.filter((b) => b.checked).map((b) => Number(b.value));
      restore = (ans, entry) => {
        (ans || []).forEach((i) => { if (boxes[i]) boxes[i].checked = true; });
        if (entry && typeof entry.text === "string") ta.value = entry.text;
      };
      // Saved as it is typed (not only when the box loses focus), so nothing is lost.
      ta.addEventListener("input", () => {
        const e = saved(lesson, q.id) || {};
        e.text = ta.value;
        save(lesson, q.id, e);
      });
    }

    const check = h("button", { type: "button", class: "cq-button cq-check" },
      q.type === "teachback" ? "Compare with the model answer" : "Check answer");
    const show = h("button", { type: "button", class: "cq-button cq-show" }, "Show answer");
    const buttons = h("div", { class: "cq-buttons" }, check);
    if (q.type !== "teachback") buttons.append(show);
    fs.append(buttons, status);

    if (prior) {
      if (prior.answer !== undefined) restore(prior.answer, prior);
      else restore(undefined, prior);
      if (prior.feedback) status.replaceChildren(...feedbackNodes(prior.feedback, prior));
    }

    check.addEventListener("click", async () => {
      const answer = getAnswer();
      if (answer === null || (q.type === "multi" && answer.length === 0)) {
        status.replaceChildren(h("p", { class: "cq-headline cq-neutral" },
          q.type === "multi" ? "Choose at least one answer, then press “Check answer”." : "Choose an answer first, then press “Check answer”."));
        return;
      }
      check.disabled = true;
      const reply = await send("check", q, answer);
      check.disabled = false;
      if (!reply) return;
      connection.textContent = "";
      if (reply.kind !== "check") {
        status.replaceChildren(h("p", { class: "cq-headline cq-neutral" }, reply.message || "That answer could not be checked."));
        return;
      }
      const prev = saved(lesson, q.id) || {};
      const entry = { answered: true, answer, correct: reply.feedback.correct, score: reply.feedback.score,
        feedback: reply.feedback, model_answer: reply.model_answer || null };
      if (prev.text) entry.text = prev.text;
      save(lesson, q.id, entry);
      status.replaceChildren(...feedbackNodes(reply.feedback, reply));
      updateSummary();
    });
    show.addEventListener("click", async () => {
      show.disabled = true;
      const reply = await send("show", q);
      show.disabled = false;
      if (!reply) return;
      connection.textContent = "";
      if (reply.kind !== "show") {
        status.replaceChildren(h("p", { class: "cq-headline cq-neutral" }, reply.message || "The answer could not be shown."));
        return;
      }
      const fb = Object.assign({}, reply.feedback, { headline: "Here is the answer. " + reply.feedback.headline, correct: null });
      status.replaceChildren(...feedbackNodes(fb, reply));
    });
    return fs;
  }

  return () => pending.clear();
}

export default { render };
