// Drawing the terminal from the displayed state: the current operation with its buttons, the
// dispatch list, the header's colour. No decisions about events are made here; buttons carry a
// data-action that app.js turns into events.

import { el } from "./dialogs.js";

const LABELS = {
  pending: "Not started",
  setup: "Setup",
  running: "Running",
  paused: "Paused",
  down: "Down",
  completed: "Completed",
  idle: "Idle",
};

// Which buttons each status offers, biggest first. Mirrors what the server admits
// (production/timeline.py `admit`), so a button never leads to a certain rejection.
const ACTIONS = {
  pending: ["start", "setup_start", "report", "downtime_start"],
  setup: ["setup_end", "start", "pause", "downtime_start"],
  running: ["report", "pause", "complete", "setup_start", "downtime_start"],
  paused: ["resume", "report", "complete", "setup_start", "downtime_start"],
  down: ["downtime_end"],
  completed: [],
};

const BUTTONS = {
  start: ["Start", "go"],
  resume: ["Resume", "go"],
  pause: ["Pause", "hold"],
  report: ["Report quantity", "report"],
  complete: ["Complete", "done"],
  setup_start: ["Setup start", "setup"],
  setup_end: ["Setup end", "setup"],
  downtime_start: ["Machine down", "stop"],
  downtime_end: ["Machine back up", "go"],
};

export function statusLabel(status) {
  return LABELS[status] || status;
}

function time(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function number(text) {
  const n = Number(text || 0);
  return n.toLocaleString(undefined, { maximumFractionDigits: 4 });
}

// Instructions are plain text: keep line breaks, make links to drawings clickable.
function instructions(text) {
  const box = el("div", { class: "instructions-text" });
  for (const part of text.split(/(https?:\/\/[^\s]+)/)) {
    if (/^https?:\/\//.test(part)) {
      box.append(el("a", { href: part, target: "_blank", rel: "noopener" }, part));
    } else {
      box.append(part);
    }
  }
  return box;
}

export function headState(state, op) {
  if (state.machine.down) return "down";
  if (!op) return "idle";
  if (op.status === "pending" || op.status === "completed") return "idle";
  return op.status;
}

export function renderHead(head, label, state, op) {
  const s = headState(state, op);
  head.className = `term-head state-${s}`;
  let text = statusLabel(s);
  if (state.machine.down) text = `Down · ${state.machine.reason}`;
  else if (op && op.reason) text += ` · ${op.reason}`;
  label.textContent = text;
}

export function renderCurrent(box, state, op, workersByCode) {
  box.replaceChildren();
  if (!op) {
    box.className = "current state-idle";
    box.append(
      el("h2", { class: "op-key" }, "No operation selected"),
      el(
        "p",
        { class: "hint big-hint" },
        state.operations.length
          ? "Tap an operation in the dispatch list, or scan its code on the traveller."
          : "Nothing is dispatched to this work center. Ask your supervisor for work.",
      ),
    );
    return;
  }
  const status = state.machine.down && op.status !== "completed" ? "down" : op.status;
  box.className = `current state-${status}`;
  box.dataset.key = op.key;
  const head = el(
    "div",
    { class: "op-head" },
    el("div", { class: "op-key", id: "current-key" }, op.key),
    el(
      "div",
      { class: "op-status", id: "current-status" },
      statusLabel(op.status),
      op.since && op.status !== "pending" ? ` since ${time(op.since)}` : "",
      op.reason ? ` · ${op.reason}` : "",
      op.waiting ? el("span", { class: "waiting-tag" }, ` · ${op.waiting} waiting to send`) : "",
    ),
  );
  const item = el(
    "div",
    { class: "op-item" },
    el("b", {}, op.name || `Operation ${op.sequence}`),
    ` · ${op.item} ${op.item_name} · due ${op.due_date}`,
    op.late ? el("span", { class: "late" }, " · late") : "",
  );
  const quantities = el(
    "div",
    { class: "op-qty" },
    el("div", {}, el("span", { class: "qty-big", id: "current-good" }, number(op.good)), el("span", {}, ` good of ${number(op.quantity)} ${op.uom}`)),
    el("div", {}, el("span", { class: "qty-mid", id: "current-scrap" }, number(op.scrap)), el("span", {}, " scrap")),
  );
  const actions = el("div", { class: "op-actions" });
  const kinds = state.machine.down && op.status !== "completed" ? ["downtime_end"] : ACTIONS[op.status] || [];
  for (const kind of kinds) {
    const [label, tone] = BUTTONS[kind];
    actions.append(
      el("button", { type: "button", class: `big action ${tone}`, "data-action": kind }, label),
    );
  }
  if (op.status === "completed") {
    actions.append(el("p", { class: "big-hint" }, "Completed. Choose the next operation from the list."));
  }
  const crew = el("div", { class: "crew" }, el("span", { class: "crew-label" }, "Clocked on:"));
  for (const code of op.clocked_on) {
    const worker = workersByCode.get(code);
    crew.append(
      el(
        "button",
        { type: "button", class: "worker-chip", "data-action": "clock_off", "data-worker": code, title: "Tap to clock off" },
        `${worker ? worker.name : code} ✕`,
      ),
    );
  }
  if (op.status !== "completed") {
    crew.append(el("button", { type: "button", class: "worker-chip add", "data-action": "clock_on" }, "+ Clock on"));
  }
  box.append(head, item, quantities, actions, crew);
  if (op.instructions || op.documents.length) {
    const section = el("section", { class: "instructions" }, el("h3", {}, "Instructions"));
    if (op.instructions) section.append(instructions(op.instructions));
    if (op.documents.length) {
      const docs = el("div", { class: "documents" });
      for (const d of op.documents) {
        docs.append(el("a", { class: "document", href: d.url, target: "_blank", rel: "noopener" }, d.title, el("small", {}, d.kind)));
      }
      section.append(docs);
    }
    box.append(section);
  }
  if (op.materials.length) {
    const list = el("ul", { class: "materials" });
    for (const m of op.materials) {
      list.append(el("li", {}, el("b", {}, m.sku), ` ${m.name} · ${number(m.issued)} of ${number(m.required)} ${m.uom} issued`));
    }
    box.append(el("section", {}, el("h3", {}, "Material (scan a lot to record it)"), list));
  }
}

export function renderDispatch(list, state, currentKey) {
  list.replaceChildren();
  for (const op of state.operations) {
    const status = state.machine.down && op.status !== "completed" ? "down" : op.status;
    list.append(
      el(
        "li",
        {},
        el(
          "button",
          {
            type: "button",
            class: `dispatch-item state-${status}${op.key === currentKey ? " current-item" : ""}`,
            "data-select": op.key,
          },
          el("span", { class: "d-key" }, op.key),
          el("span", { class: "d-status" }, statusLabel(op.status)),
          el("span", { class: "d-item" }, `${op.item} · ${number(op.good)}/${number(op.quantity)} · due ${op.due_date}${op.late ? " · late" : ""}`),
          op.waiting ? el("span", { class: "d-waiting" }, `${op.waiting} waiting`) : "",
        ),
      ),
    );
  }
  if (!state.operations.length) {
    list.append(el("li", { class: "hint" }, "No open operations here."));
  }
}
