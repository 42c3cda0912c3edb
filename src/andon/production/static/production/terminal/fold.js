// What the operator sees = the server's last answer + the events still waiting to send.
//
// The server derives the real state from its ledger; this only replays the waiting events on
// top of the last state so that a button press shows at once, online or not. The transitions
// mirror the server's tolerant fold (production/timeline.py): what does not fit changes nothing.

const ACTIVE = ["setup", "running", "paused", "down"];

function add(a, b) {
  return String(Math.round((Number(a || 0) + Number(b || 0)) * 10000) / 10000);
}

function enter(op, status, event, reason = "") {
  op.status = status;
  op.since = event.at;
  op.reason = reason;
}

function step(op, e) {
  const st = op.status;
  if (st === "completed" && e.kind !== "clock_off" && e.kind !== "downtime_end") return;
  switch (e.kind) {
    case "report":
      op.good = add(op.good, e.quantity);
      op.scrap = add(op.scrap, e.scrap);
      if (st === "pending" || st === "setup") enter(op, "running", e);
      op.started = true;
      break;
    case "start":
      if (["pending", "paused", "setup"].includes(st)) enter(op, "running", e);
      op.started = true;
      break;
    case "pause":
      if (st === "running" || st === "setup") enter(op, "paused", e, e.reason);
      break;
    case "resume":
      if (st === "paused") enter(op, "running", e);
      break;
    case "setup_start":
      if (["pending", "paused", "running"].includes(st)) enter(op, "setup", e);
      break;
    case "setup_end":
      if (st === "setup") enter(op, op.started ? "paused" : "pending", e);
      break;
    case "downtime_start":
      if (st !== "down") {
        op.before_down = st;
        enter(op, "down", e, e.reason);
      }
      break;
    case "downtime_end":
      if (st === "down") enter(op, op.before_down || (op.started ? "running" : "pending"), e);
      break;
    case "complete":
      enter(op, "completed", e);
      break;
    case "clock_on":
      if (!op.clocked_on.includes(e.worker)) op.clocked_on.push(e.worker);
      break;
    case "clock_off":
      op.clocked_on = op.clocked_on.filter((w) => w !== e.worker);
      break;
    case "consume":
      break;
  }
}

export function isActive(status) {
  return ACTIVE.includes(status);
}

// A copy of `state` with `entries` (queued events, any work center) applied in time order.
export function withPending(state, entries) {
  const s = structuredClone(state);
  const ops = new Map(s.operations.map((op) => [op.key, op]));
  for (const op of s.operations) op.waiting = 0;
  const mine = entries
    .map((entry) => entry.event)
    .filter((e) => !e.work_center || e.work_center === s.work_center.code)
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  for (const e of mine) {
    if (!e.work_order) {
      if (e.kind === "downtime_start") s.machine = { down: true, reason: e.reason, since: e.at };
      if (e.kind === "downtime_end") s.machine = { down: false, reason: "", since: null };
      continue;
    }
    const op = ops.get(`${e.work_order}/${e.operation}`);
    if (!op) continue;
    op.waiting += 1;
    step(op, e);
  }
  return s;
}
