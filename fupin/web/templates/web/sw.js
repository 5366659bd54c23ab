{% load static %}/* fupin service worker: lets a cadre open the check-in pages, and an exam already
 * opened, with no network. Pages: network first, the last copy when offline. An exam page (its
 * address matches PATTERNS) is kept when it is opened: the page asks for it (a "keep" message),
 * since the first visit is made before the worker controls the page. Static assets: cache first
 * (their names carry a content hash in production). Everything else goes to the network untouched. */
"use strict";
const CACHE = "fupin-field-{{ version }}";
const PAGES = [{% for url in pages %}"{{ url|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
const PATTERNS = [{% for pattern in patterns %}new RegExp("{{ pattern|escapejs }}"){% if not forloop.last %}, {% endif %}{% endfor %}];
const ASSETS = [{% for url in assets %}"{{ url|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];

function isPage(path) {
  return PAGES.includes(path) || PATTERNS.some((pattern) => pattern.test(path));
}

async function keepPage(cache, path, response) {
  // Only a real page: never a redirect to the login page, never an error.
  if (response.ok && !response.redirected) {
    await cache.put(path, response);
  } else if (response.redirected && !PAGES.includes(path)) {
    // An exam page that now redirects (handed in, time up, signed out) is not shown from the cache.
    await cache.delete(path);
  }
}

self.addEventListener("message", (event) => {
  const path = event.data && event.data.keep;
  if (typeof path !== "string" || !isPage(path)) return;
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    try { await keepPage(cache, path, await fetch(path, { credentials: "same-origin" })); } catch (e) { /* offline */ }
  })());
});

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(ASSETS);
    await Promise.all(PAGES.map(async (path) => {
      try { await keepPage(cache, path, await fetch(path, { credentials: "same-origin" })); } catch (e) { /* offline */ }
    }));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("fupin-field-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (isPage(url.pathname)) {
    event.respondWith(
      fetch(request)
        .then((response) => {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => keepPage(cache, url.pathname, copy));
          return response;
        })
        .catch(() => caches.match(url.pathname).then((cached) => cached || Response.error()))
    );
  } else if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((cached) => cached || fetch(request)));
  }
});
