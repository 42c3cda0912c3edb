// The outbox: every action becomes an event stored in localStorage first, then sent in batches.
//
// Storing first means nothing is lost when the network drops or the page reloads; the
// client_id made when the button was pressed makes every resend a no-op on the server, so a
// batch whose answer was lost is simply sent again (its events come back "duplicate").
// One outbox per device, whatever the work center: events queued at one center are still sent
// after the tablet moves to another.

const STORE = "andon.terminal.outbox";
const BATCH = 500;
const FIRST_DELAY = 1000;
const MAX_DELAY = 30000;
// Rejections whose cause may clear (a start still on its way, stock being booked in): the
// operator can send them again; the others need a different action.
export const MAY_CLEAR = new Set(["not_started", "nothing_reported", "insufficient_stock"]);

function empty() {
  return { queue: [], problems: [] };
}

// crypto.randomUUID exists only in secure contexts (HTTPS or localhost); a plant network served
// over plain HTTP still gets a random version 4 UUID from getRandomValues.
export function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

export class Outbox {
  constructor(url, { onChange, onDelivered }) {
    this.url = url;
    this.onChange = onChange;
    this.onDelivered = onDelivered;
    this.sending = false;
    this.delay = 0;
    this.timer = null;
    this.online = navigator.onLine;
    this.error = "";
    window.addEventListener("online", () => this.flush());
    window.addEventListener("offline", () => this.status(false, ""));
    window.addEventListener("storage", (e) => e.key === STORE && this.onChange());
  }

  read() {
    try {
      const data = JSON.parse(localStorage.getItem(STORE));
      return data && Array.isArray(data.queue) ? data : empty();
    } catch {
      return empty();
    }
  }

  write(data) {
    localStorage.setItem(STORE, JSON.stringify(data));
    this.onChange();
  }

  get queue() {
    return this.read().queue;
  }

  get problems() {
    return this.read().problems;
  }

  // Queue an event (API fields only) with a label for the operator; returns its client_id.
  add(event, label) {
    const entry = {
      event: { client_id: newId(), at: new Date().toISOString(), ...event },
      label,
    };
    const data = this.read();
    data.queue.push(entry);
    this.write(data);
    this.flush();
    return entry.event.client_id;
  }

  // Put a rejected event back in the queue with its own client_id (it was never stored).
  retry(clientId) {
    const data = this.read();
    const problem = data.problems.find((p) => p.entry.event.client_id === clientId);
    if (!problem) return;
    data.problems = data.problems.filter((p) => p !== problem);
    data.queue.push(problem.entry);
    this.write(data);
    this.flush();
  }

  dismiss(clientId) {
    const data = this.read();
    data.problems = data.problems.filter((p) => p.entry.event.client_id !== clientId);
    this.write(data);
  }

  status(online, error) {
    this.online = online;
    this.error = error;
    this.onChange();
  }

  later() {
    clearTimeout(this.timer);
    this.delay = Math.min(this.delay ? this.delay * 2 : FIRST_DELAY, MAX_DELAY);
    const jitter = Math.random() * 0.2 * this.delay;
    this.timer = setTimeout(() => this.flush(), this.delay + jitter);
  }

  async flush() {
    if (this.sending) return;
    const batch = this.queue.slice(0, BATCH);
    if (!batch.length) return;
    this.sending = true;
    clearTimeout(this.timer);
    let response;
    try {
      response = await fetch(this.url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ events: batch.map((e) => e.event) }),
      });
    } catch {
      this.sending = false;
      this.status(false, "");
      this.later();
      return;
    }
    this.sending = false;
    if (response.ok) {
      this.settle(batch, await response.json());
      this.delay = 0;
      this.status(true, "");
      if (this.queue.length) this.flush();
      return;
    }
    if (response.status === 422) {
      const body = await response.json().catch(() => ({}));
      this.settle(batch, {
        results: batch.map((e) => ({
          client_id: e.event.client_id,
          status: "rejected",
          code: body.code || "invalid_request",
          detail: body.detail || "The server could not read this event.",
        })),
      });
      this.status(true, "");
      return;
    }
    const why =
      response.status === 401 || response.status === 403
        ? "Your login has ended or does not allow reporting: log in again. Nothing is lost."
        : `The server answered ${response.status}; retrying.`;
    this.status(response.status < 500, why);
    this.later();
  }

  // Drop delivered events (accepted or duplicate: both mean the server has it), keep rejected
  // ones as problems for the operator to see.
  settle(batch, answer) {
    const sent = new Map(batch.map((e) => [e.event.client_id, e]));
    const data = this.read();
    const done = new Set();
    const rejected = [];
    for (const result of answer.results || []) {
      const entry = sent.get(result.client_id);
      if (!entry) continue;
      done.add(result.client_id);
      if (result.status === "rejected") {
        rejected.push({ entry, code: result.code, detail: result.detail });
      }
    }
    data.queue = data.queue.filter((e) => !done.has(e.event.client_id));
    data.problems = [...data.problems, ...rejected];
    this.write(data);
    if (this.onDelivered) this.onDelivered(answer, rejected);
  }
}
