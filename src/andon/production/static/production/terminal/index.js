// The work center choice is kept on the device: a tablet mounted at CNC1 opens CNC1's terminal
// straight away. `?choose=1` (the terminal's "Work centers" link) shows the list anyway.
(function () {
  const key = document.body.dataset.rememberKey;
  const params = new URLSearchParams(location.search);
  const remembered = localStorage.getItem(key);
  if (params.has("choose")) {
    localStorage.removeItem(key);
    return;
  }
  if (remembered) {
    const tile = document.querySelector(`[data-code="${CSS.escape(remembered)}"]`);
    if (tile) location.replace(tile.href);
  }
})();
