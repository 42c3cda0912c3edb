// Full-screen dialogs made for gloves: a numeric keypad for quantities, big reason buttons.
// Each returns a Promise that resolves with the operator's answer, or null when cancelled.

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

export { el };

function open(dialog, content, resolve) {
  dialog.replaceChildren(content);
  dialog.onclose = () => resolve(dialog.returnValue === "ok" ? dialog._answer : null);
  dialog.returnValue = "";
  dialog.showModal();
}

function closeWith(dialog, answer) {
  dialog._answer = answer;
  dialog.close("ok");
}

// Choose one reason; `groups` is [{label, reasons: [{code, label, downtime_class}]}].
export function chooseReason(dialog, title, groups) {
  return new Promise((resolve) => {
    const body = el("div", { class: "dialog-body" }, el("h2", {}, title));
    for (const group of groups) {
      if (group.label) body.append(el("h3", {}, group.label));
      const grid = el("div", { class: "reason-grid" });
      for (const reason of group.reasons) {
        grid.append(
          el(
            "button",
            {
              type: "button",
              class: `big reason ${reason.downtime_class || ""}`,
              "data-reason": reason.code,
              onclick: () => closeWith(dialog, reason),
            },
            el("b", {}, reason.label),
            el("small", {}, reason.code),
          ),
        );
      }
      body.append(grid);
    }
    body.append(
      el("button", { type: "button", class: "big cancel", onclick: () => dialog.close() }, "Cancel"),
    );
    open(dialog, body, resolve);
  });
}

// Enter one or more quantities with a keypad. `fields`: [{name, label}]; `scrapReasons`: when
// given, a scrap quantity above zero asks for one of them. Resolves {values, reason}.
export function enterQuantities(dialog, { title, fields, whole, scrapReasons, hint }) {
  return new Promise((resolve) => {
    const values = Object.fromEntries(fields.map((f) => [f.name, ""]));
    let active = fields[0].name;
    let reason = null;
    const message = el("p", { class: "dialog-error", role: "alert" });
    const boxes = {};
    const fieldRow = el("div", { class: "qty-fields" });
    for (const f of fields) {
      boxes[f.name] = el(
        "button",
        { type: "button", class: "qty-field", "data-field": f.name, onclick: () => focus(f.name) },
        el("span", { class: "qty-label" }, f.label),
        el("span", { class: "qty-value" }, "0"),
      );
      fieldRow.append(boxes[f.name]);
    }
    const reasonRow = el("div", { class: "reason-grid small", hidden: "" });
    for (const r of scrapReasons || []) {
      reasonRow.append(
        el(
          "button",
          {
            type: "button",
            class: "reason",
            "data-reason": r.code,
            onclick: (e) => {
              reason = r.code;
              for (const b of reasonRow.children) b.classList.toggle("chosen", b === e.currentTarget);
              message.textContent = "";
            },
          },
          r.label,
        ),
      );
    }
    function focus(name) {
      active = name;
      draw();
    }
    function draw() {
      for (const f of fields) {
        boxes[f.name].classList.toggle("active", f.name === active);
        boxes[f.name].querySelector(".qty-value").textContent = values[f.name] || "0";
      }
      reasonRow.hidden = !(scrapReasons && Number(values.scrap || 0) > 0);
    }
    function press(key) {
      let v = values[active];
      if (key === "⌫") v = v.slice(0, -1);
      else if (key === "C") v = "";
      else if (key === ".") v = whole || v.includes(".") ? v : (v || "0") + ".";
      else if (v.length < 9) v = v === "0" ? key : v + key;
      values[active] = v;
      message.textContent = "";
      draw();
    }
    const pad = el("div", { class: "keypad" });
    for (const key of ["7", "8", "9", "4", "5", "6", "1", "2", "3", whole ? "C" : ".", "0", "⌫"]) {
      pad.append(
        el("button", { type: "button", class: "key", "data-key": key, onclick: () => press(key) }, key),
      );
    }
    function confirm() {
      const numbers = Object.fromEntries(fields.map((f) => [f.name, Number(values[f.name] || 0)]));
      if (Object.values(numbers).every((n) => n <= 0)) {
        message.textContent = "Enter a quantity above zero first.";
        return;
      }
      if (scrapReasons && numbers.scrap > 0 && !reason) {
        message.textContent = "Scrap needs a reason: tap one of the reasons above.";
        return;
      }
      const clean = Object.fromEntries(fields.map((f) => [f.name, String(numbers[f.name])]));
      closeWith(dialog, { values: clean, reason });
    }
    const body = el(
      "div",
      { class: "dialog-body" },
      el("h2", {}, title),
      hint ? el("p", { class: "hint" }, hint) : "",
      fieldRow,
      reasonRow,
      message,
      pad,
      el(
        "div",
        { class: "dialog-actions" },
        el("button", { type: "button", class: "big cancel", onclick: () => dialog.close() }, "Cancel"),
        el("button", { type: "button", class: "big ok", id: "qty-ok", onclick: confirm }, "Record"),
      ),
    );
    draw();
    open(dialog, body, resolve);
  });
}

// Pick a worker to clock on (for those without a badge at hand).
export function chooseWorker(dialog, workers, clockedOn) {
  return new Promise((resolve) => {
    const grid = el("div", { class: "reason-grid" });
    for (const w of workers.filter((w) => !clockedOn.includes(w.code))) {
      grid.append(
        el(
          "button",
          { type: "button", class: "big reason", "data-worker": w.code, onclick: () => closeWith(dialog, w) },
          el("b", {}, w.name),
          el("small", {}, w.code),
        ),
      );
    }
    const body = el(
      "div",
      { class: "dialog-body" },
      el("h2", {}, "Clock on"),
      el("p", { class: "hint" }, "Scan your badge, or tap your name."),
      grid,
      el("button", { type: "button", class: "big cancel", onclick: () => dialog.close() }, "Cancel"),
    );
    open(dialog, body, resolve);
  });
}
