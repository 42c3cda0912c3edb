// The operator terminal of one work center: state, buttons, scans, outbox and offline start-up.
//
// The server's state (embedded in the page, refreshed from the state URL, kept in localStorage
// for a reload without network) plus the events waiting in the outbox is what is drawn. Every
// button and scan becomes an event in the outbox; nothing is written any other way.

import { chooseReason, chooseWorker, enterQuantities, el } from "./dialogs.js";
import { isActive, withPending } from "./fold.js";
import { MAY_CLEAR, Outbox } from "./outbox.js";
import { renderCurrent, renderDispatch, renderHead } from "./render.js";
import { listenForScans, parseOperation } from "./scanner.js";

const body = document.body;
const CENTER = body.dataset.center;
const STATE_KEY = `andon.terminal.state.${CENTER}`;
const CURRENT_KEY = `andon.terminal.current.${CENTER}`;
const REFRESH_MS = 30000;
const $ = (id) => document.getElementById(id);
const dialog = $("dialog");

localStorage.setItem("andon.terminal.center", CENTER);

function stored() {
  try {
    return JSON.parse(localStorage.getItem(STATE_KEY));
  } catch {
    return null;
  }
}

function newest(...states) {
  return states.filter(Boolean).sort((a, b) => (a.generated_at < b.generated_at ? 1 : -1))[0];
}

let server = newest(JSON.parse($("terminal-state").textContent), stored());
let current = localStorage.getItem(CURRENT_KEY) || "";
let toastTimer = null;

const outbox = new Outbox(body.dataset.eventsUrl, { onChange: draw, onDelivered: delivered });

function shown() {
  return withPending(server, outbox.queue);
}

function currentOp(state) {
  return (
    state.operations.find((o) => o.key === current) ||
    state.operations.find((o) => isActive(o.status)) ||
    state.operations[0] ||
    null
  );
}

function toast(text, tone = "info") {
  const box = $("toast");
  box.textContent = text;
  box.className = `toast ${tone}`;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (box.hidden = true), tone === "bad" ? 10000 : 4000);
}

// --- drawing ---------------------------------------------------------------------------------

const ADVICE = {
  not_started: "Press Start first (the start may also still be on its way), then send again.",
  nothing_reported: "Report the good quantity first, then send again.",
  insufficient_stock:
    "The material is not in stock at the supply location. Ask the store to book it in, then send again.",
  operation_completed: "The operation was already completed: nothing more can be recorded on it.",
  order_not_open: "The work order is not released or already closed. Ask your supervisor.",
  invalid_transition:
    "The operation was in another state by then (another terminal may have recorded it). Check the state shown and press the right button.",
  already_clocked_on: "Nothing to do: that worker was already clocked on.",
  not_clocked_on: "Nothing to do: that worker was not clocked on.",
  future_timestamp: "This tablet's clock is ahead. Ask for the clock to be set, then report again.",
};

function advice(code) {
  if (ADVICE[code]) return ADVICE[code];
  if (code && code.startsWith("unknown_")) return "Check the code you scanned or chose; ask your supervisor if it is right.";
  return "Tell your supervisor what you were doing.";
}

function drawProblems() {
  const box = $("problems");
  box.replaceChildren();
  for (const p of outbox.problems) {
    const id = p.entry.event.client_id;
    box.append(
      el(
        "div",
        { class: "problem", "data-problem": id },
        el("div", {}, el("b", {}, `Not recorded: ${p.entry.label}. `), p.detail || p.code),
        el("div", { class: "problem-advice" }, advice(p.code)),
        el(
          "div",
          { class: "problem-actions" },
          MAY_CLEAR.has(p.code)
            ? el("button", { type: "button", class: "big", "data-retry": id }, "Send again")
            : "",
          el("button", { type: "button", class: "big", "data-dismiss": id }, "Dismiss"),
        ),
      ),
    );
  }
}

function drawOutbox() {
  const waiting = outbox.queue.length;
  const counter = $("outbox");
  counter.textContent = waiting ? `${waiting} waiting to send` : "All sent";
  counter.className = `outbox-count${waiting ? " waiting" : ""}`;
  counter.dataset.count = String(waiting);
  const net = $("net");
  net.textContent = outbox.error || (outbox.online ? "Online" : "Offline · kept on this tablet");
  net.className = `net ${outbox.online && !outbox.error ? "online" : "offline"}`;
}

function draw() {
  const state = shown();
  const op = currentOp(state);
  const workers = new Map(state.workers.map((w) => [w.code, w]));
  renderHead($("head"), $("center-state"), state, op);
  renderCurrent($("current"), state, op, workers);
  renderDispatch($("dispatch"), state, op ? op.key : "");
  const machine = $("machine-button");
  machine.hidden = Boolean(op) && !state.machine.down;
  machine.dataset.action = state.machine.down ? "downtime_end" : "downtime_start";
  machine.textContent = state.machine.down
    ? `Machine back up (down: ${state.machine.reason})`
    : "Machine down (no order)";
  drawOutbox();
  drawProblems();
}

// --- server ----------------------------------------------------------------------------------

async function refresh() {
  try {
    const response = await fetch(body.dataset.stateUrl, { credentials: "same-origin", cache: "no-store" });
    if (response.redirected || !response.ok) return;
    server = await response.json();
    localStorage.setItem(STATE_KEY, JSON.stringify(server));
    draw();
  } catch {
    // Offline: keep drawing from the last state and the outbox.
  }
}

function delivered(answer, rejected) {
  if (rejected.length) {
    const first = rejected[0];
    toast(`Not recorded: ${first.entry.label}. ${first.detail} ${advice(first.code)}`, "bad");
  }
  refresh();
}

// --- actions ---------------------------------------------------------------------------------

function queue(event, label) {
  outbox.add({ work_center: CENTER, ...event }, label);
  toast(
    navigator.onLine ? `${label}: recorded.` : `${label}: kept on this tablet, sent when the network is back.`,
    "ok",
  );
}

function opEvent(op, kind, extra = {}) {
  return { kind, work_order: op.work_order, operation: op.sequence, ...extra };
}

function select(key) {
  current = key;
  localStorage.setItem(CURRENT_KEY, key);
  draw();
}

const reasons = () => server.reasons;

async function downtimeStart(op) {
  const all = reasons().downtime;
  const reason = await chooseReason(dialog, "Why is the machine down?", [
    { label: "Unplanned", reasons: all.filter((r) => r.downtime_class === "unplanned") },
    { label: "Planned", reasons: all.filter((r) => r.downtime_class === "planned") },
  ]);
  if (!reason) return;
  const extra = { reason: reason.code, downtime_class: reason.downtime_class };
  const onOperation = op && ["setup", "running", "paused"].includes(op.status);
  if (onOperation) queue(opEvent(op, "downtime_start", extra), `Down: ${reason.label}`);
  else queue({ kind: "downtime_start", ...extra }, `Machine down: ${reason.label}`);
}

function downtimeEnd(op, state) {
  if (op && op.status === "down" && !state.machine.down) {
    queue(opEvent(op, "downtime_end"), "Machine back up");
  } else {
    queue({ kind: "downtime_end" }, "Machine back up");
  }
}

async function report(op) {
  const answer = await enterQuantities(dialog, {
    title: `Report ${op.key}`,
    hint: "Tap Good or Scrap, then type the quantity made since the last report.",
    fields: [
      { name: "quantity", label: `Good (${op.uom})` },
      { name: "scrap", label: `Scrap (${op.uom})` },
    ],
    whole: op.whole,
    scrapReasons: reasons().scrap,
  });
  if (!answer) return;
  const { quantity, scrap } = answer.values;
  const extra = { quantity, scrap };
  if (Number(scrap) > 0) extra.reason = answer.reason;
  queue(opEvent(op, "report", extra), `Report ${quantity} good, ${scrap} scrap on ${op.key}`);
}

async function act(kind, target) {
  const state = shown();
  const op = currentOp(state);
  if (kind === "downtime_start") return downtimeStart(op);
  if (kind === "downtime_end") return downtimeEnd(op, state);
  if (!op) return toast("Choose an operation first: tap it in the list or scan the traveller.", "bad");
  switch (kind) {
    case "start":
    case "resume":
    case "setup_start":
    case "setup_end":
      return queue(opEvent(op, kind), `${target.textContent} ${op.key}`);
    case "complete":
      if (Number(op.good) <= 0) {
        return toast("Report the good quantity before completing the operation.", "bad");
      }
      return queue(opEvent(op, "complete"), `Complete ${op.key}`);
    case "pause": {
      const reason = await chooseReason(dialog, "Why pause?", [{ label: "", reasons: reasons().pause }]);
      if (reason) queue(opEvent(op, "pause", { reason: reason.code }), `Pause ${op.key}: ${reason.label}`);
      return;
    }
    case "report":
      return report(op);
    case "clock_on": {
      const worker = await chooseWorker(dialog, state.workers, op.clocked_on);
      if (worker) queue(opEvent(op, "clock_on", { worker: worker.code }), `Clock on ${worker.name}`);
      return;
    }
    case "clock_off": {
      const code = target.dataset.worker;
      return queue(opEvent(op, "clock_off", { worker: code }), `Clock off ${code}`);
    }
  }
}

document.addEventListener("click", (e) => {
  const target = e.target.closest("button");
  if (!target) return;
  if (target.dataset.select) select(target.dataset.select);
  else if (target.dataset.action) act(target.dataset.action, target);
  else if (target.dataset.retry) outbox.retry(target.dataset.retry);
  else if (target.dataset.dismiss) outbox.dismiss(target.dataset.dismiss);
});

// --- scans -----------------------------------------------------------------------------------

function clockOnByScan(worker) {
  const op = currentOp(shown());
  if (!op) return toast(`${worker.name}: choose the operation first, then scan your badge again.`, "bad");
  if (op.clocked_on.includes(worker.code)) {
    return queue(opEvent(op, "clock_off", { worker: worker.code }), `Clock off ${worker.name}`);
  }
  queue(opEvent(op, "clock_on", { worker: worker.code }), `Clock on ${worker.name}`);
}

async function consumeLot(code, lots) {
  const op = currentOp(shown());
  if (!op) return toast(`Lot ${code}: choose the operation first, then scan the lot again.`, "bad");
  const lot = lots.find((l) => op.materials.some((m) => m.sku === l.item));
  if (!lot) {
    const items = lots.map((l) => l.item).join(", ");
    return toast(`Lot ${code} is ${items}, which ${op.key} does not use. Check the material.`, "bad");
  }
  const answer = await enterQuantities(dialog, {
    title: `Use lot ${lot.lot} of ${lot.item}`,
    hint: `How much of this lot goes into ${op.key}?`,
    fields: [{ name: "quantity", label: "Quantity used" }],
    whole: false,
  });
  if (answer) {
    queue(
      opEvent(op, "consume", { item: lot.item, lot: lot.lot, quantity: answer.values.quantity }),
      `Use ${answer.values.quantity} of lot ${lot.lot}`,
    );
  }
}

async function onScan(code) {
  if (dialog.open) dialog.close();
  const state = shown();
  const ref = parseOperation(code);
  if (ref) {
    const key = `${ref.work_order}/${ref.sequence}`;
    if (state.operations.some((o) => o.key === key)) {
      select(key);
      return toast(`Selected ${key}.`, "ok");
    }
  }
  const worker = state.workers.find((w) => (w.badge && w.badge === code) || w.code === code);
  if (worker) return clockOnByScan(worker);
  let found;
  try {
    const url = `${body.dataset.scanUrl}?code=${encodeURIComponent(code)}`;
    const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
    found = await response.json();
  } catch {
    return toast(`Scanned ${code}: cannot look it up while offline. Tap the operation in the list instead.`, "bad");
  }
  if (found.kind === "operation") {
    await refresh();
    const key = `${found.work_order}/${found.sequence}`;
    if (!server.operations.some((o) => o.key === key)) {
      return toast(`${key} is not released for this work center yet. Ask your supervisor.`, "bad");
    }
    select(key);
    return toast(`Selected ${key}.`, "ok");
  }
  if (found.kind === "worker") return clockOnByScan({ code: found.worker, name: found.worker_name });
  if (found.kind === "lot") return consumeLot(code, found.lots);
  toast(found.detail || `Scanned ${code}: not recognised.`, "bad");
}

listenForScans(onScan);

// --- start-up --------------------------------------------------------------------------------

function tick() {
  $("clock").textContent = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

async function installServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  try {
    await navigator.serviceWorker.register(body.dataset.swUrl, { scope: body.dataset.indexUrl });
    const registration = await navigator.serviceWorker.ready;
    const urls = [location.pathname, ...body.dataset.assets.split(" ").filter(Boolean)];
    registration.active.postMessage({ type: "cache", urls });
  } catch {
    // Without a service worker the terminal still works; it only cannot reload offline.
  }
}

draw();
tick();
setInterval(tick, 10000);
setInterval(() => {
  refresh();
  outbox.flush();
}, REFRESH_MS);
refresh();
outbox.flush();
installServiceWorker();
