// Service worker of the operator terminal: lets the terminal page open during a short network
// outage. Served from /production/terminal/sw.js so that its scope covers the terminal pages.
//
// Pages and their static files: network first (always the newest when there is a network), the
// cached copy when not. Everything else (state, scans, the events API) goes to the network
// untouched: the page keeps its own copy of the state and its outbox in localStorage.

const CACHE = "andon-terminal-v1";

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("andon-terminal-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

async function keep(request, response) {
  if (response.ok && !response.redirected && response.type === "basic") {
    const cache = await caches.open(CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

self.addEventListener("message", (event) => {
  if (!event.data || event.data.type !== "cache") return;
  event.waitUntil(
    Promise.all(
      event.data.urls.map((url) =>
        fetch(url, { credentials: "same-origin" })
          .then((response) => keep(new Request(url), response))
          .catch(() => null),
      ),
    ),
  );
});

async function page(request) {
  try {
    return await keep(new Request(new URL(request.url).pathname), await fetch(request));
  } catch {
    const cached = await caches.match(new URL(request.url).pathname, { ignoreSearch: true });
    return (
      cached ||
      new Response("<h1>Offline</h1><p>This page was not opened here before. Reconnect and reload.</p>", {
        status: 503,
        headers: { "Content-Type": "text/html; charset=utf-8" },
      })
    );
  }
}

// Network first as well: static file names carry no version, so a cached script could
// otherwise run against a newer page after an upgrade.
async function asset(request) {
  try {
    return await keep(request, await fetch(request));
  } catch {
    return (await caches.match(request)) || Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== location.origin) return;
  if (request.mode === "navigate") event.respondWith(page(request));
  else if (url.pathname.startsWith("/static/")) event.respondWith(asset(request));
});
