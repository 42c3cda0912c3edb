// A keyboard-wedge scanner types its code as fast keystrokes ending in Enter, wherever the
// focus is. People type far slower than a scanner, so keystrokes closer together than MAX_GAP
// milliseconds are collected and an Enter after enough of them is a scan. The Enter is kept
// from reaching a focused button, which would otherwise be pressed by every scan.

const MAX_GAP = 80;
const MIN_LENGTH = 3;

export function listenForScans(onScan) {
  let buffer = "";
  let last = 0;
  document.addEventListener(
    "keydown",
    (e) => {
      if (e.ctrlKey || e.altKey || e.metaKey) return;
      const now = performance.now();
      if (now - last > MAX_GAP) buffer = "";
      last = now;
      if (e.key === "Enter") {
        if (buffer.length >= MIN_LENGTH) {
          e.preventDefault();
          e.stopPropagation();
          onScan(buffer);
        }
        buffer = "";
        return;
      }
      if (e.key.length === 1) buffer += e.key;
    },
    true,
  );
}

// The operation code printed on the traveller: `<order number>/<sequence>`.
export function parseOperation(code) {
  const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)\/(\d{1,9})$/.exec(code.trim());
  return match ? { work_order: match[1], sequence: Number(match[2]) } : null;
}
