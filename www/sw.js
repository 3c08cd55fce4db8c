// The service worker: keeps one build of the playground in the Cache Storage so that a return visit loads
// from the cache, with or without a network, and never mixes the files of two builds.
//
// `BUILD` is written at build time by scripts/precache-list (a Trunk post_build hook): every file of the
// build except this one, and a version that is a hash of their contents. One cache per version.
// - install: fetches every file of the build into the version's cache (all or nothing);
// - fetch: a file of the build is answered from the cache, and a page load gets the cached index.html,
//   so the page, boot.js, the wasm, its bindings and the CSS always come from one build; anything else
//   goes to the network;
// - a new build is a new worker (its `BUILD` differs): it installs beside the running one and waits, and the
//   page offers a reload (www/boot.js); on the page's 'skip-waiting' message it takes over, and on
//   activate it deletes the caches of every other version.
const BUILD = { version: 'unbuilt', files: [] };

const CACHE_PREFIX = 'ecs-playground-';
const CACHE = `${CACHE_PREFIX}${BUILD.version}`;
// Trunk's content hash in a file name (`app-0123456789abcdef_bg.wasm`): such a file never changes, so the
// HTTP cache may answer for it; the other files (index.html, boot.js) are revalidated with the server.
const HASHED = /-[0-9a-f]{16}(_bg)?\.[a-z0-9]+$/;

const scoped = (path) => new URL(path, self.registration.scope).href;
const PRECACHE = new Set(BUILD.files.map(scoped));
const INDEX = scoped('index.html');

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      cache.addAll(BUILD.files.map((path) => new Request(scoped(path), { cache: HASHED.test(path) ? 'default' : 'no-cache' }))),
    ),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith(CACHE_PREFIX) && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

/** The cached copy of `url` in this version's cache, else the network's answer to `request`. */
async function cachedOrFetched(url, request) {
  const hit = await caches.open(CACHE).then((cache) => cache.match(url));
  return hit ?? fetch(request);
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  url.hash = '';
  if (request.mode === 'navigate') {
    // The app's page, whatever its query or fragment (share links carry their state there).
    url.search = '';
    if (url.href === self.registration.scope || url.href === INDEX) event.respondWith(cachedOrFetched(INDEX, request));
    return;
  }
  if (PRECACHE.has(url.href)) event.respondWith(cachedOrFetched(url.href, request));
});
