/* @ autocomplete in comment boxes: type @ and a few letters, pick a colleague with the arrows and
   Enter (or the mouse). The names come from the page (#mention-users); nothing is fetched. */
(function () {
  if (window.andonMentions) return;
  window.andonMentions = true;
  let menu = null, area = null, matches = [], active = 0;

  function people() {
    const data = document.getElementById("mention-users");
    return data ? JSON.parse(data.textContent) : [];
  }
  function typed(box) {
    const found = /(?:^|[^\w.+\/@-])@([\w.+-]*)$/.exec(box.value.slice(0, box.selectionStart));
    return found ? found[1] : null;
  }
  function close() {
    if (menu) menu.remove();
    menu = null;
  }
  function show(box) {
    const q = typed(box);
    if (q === null) return close();
    const lower = q.toLowerCase();
    matches = people()
      .filter((p) => p.u.toLowerCase().startsWith(lower) || p.n.toLowerCase().includes(lower))
      .slice(0, 8);
    if (!matches.length) return close();
    area = box;
    active = Math.min(active, matches.length - 1);
    if (!menu) {
      menu = document.createElement("ul");
      menu.className = "mention-menu";
      menu.setAttribute("role", "listbox");
      box.parentNode.appendChild(menu);
    }
    menu.replaceChildren();
    matches.forEach((p, i) => {
      const item = document.createElement("li");
      item.setAttribute("role", "option");
      if (i === active) item.className = "active";
      item.textContent = "@" + p.u;
      if (p.n) {
        const name = document.createElement("span");
        name.className = "muted";
        name.textContent = p.n;
        item.appendChild(name);
      }
      item.addEventListener("mousedown", (e) => { e.preventDefault(); pick(i); });
      menu.appendChild(item);
    });
    menu.style.top = box.offsetTop + box.offsetHeight + 2 + "px";
    menu.style.left = box.offsetLeft + "px";
  }
  function pick(i) {
    const p = matches[i];
    if (!area || !p) return;
    const caret = area.selectionStart;
    const before = area.value.slice(0, caret);
    const start = before.lastIndexOf("@");
    area.value = before.slice(0, start) + "@" + p.u + " " + area.value.slice(caret);
    const after = start + p.u.length + 2;
    area.setSelectionRange(after, after);
    area.focus();
    close();
  }
  document.addEventListener("input", (e) => {
    if (e.target.matches && e.target.matches("textarea[data-mentions]")) { active = 0; show(e.target); }
  });
  document.addEventListener("keydown", (e) => {
    if (!menu || e.target !== area) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      active = (active + (e.key === "ArrowDown" ? 1 : matches.length - 1)) % matches.length;
      show(area);
      e.preventDefault();
    } else if (e.key === "Enter" || e.key === "Tab") {
      pick(active);
      e.preventDefault();
    } else if (e.key === "Escape") {
      close();
    }
  });
  document.addEventListener("focusout", (e) => { if (e.target === area) setTimeout(close, 150); });
})();
