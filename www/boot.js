// Starts the ECS Playground: loads the wasm-bindgen module and instantiates the wasm binary, then
// registers the service worker (sw.js) that keeps this build for offline use.
//
// Trunk would inject this as an inline <script type="module">, which the page's
// Content-Security-Policy (script-src 'self' 'wasm-unsafe-eval') refuses. Trunk.toml's
// `pattern_script` emits <script type="module" src="boot.js" data-js=... data-wasm=...> instead,
// with the hashed file names of this build.
//
// The built-in scenarios are data, not code: data/scenarios.json is fetched here, beside the wasm and at
// the same time, and handed to the app as window.ecsPlaygroundData before the wasm starts.
//
// The wasm is compiled as its bytes arrive (`WebAssembly.compileStreaming`), from the moment this script
// runs, beside the bindings' and the data's downloads; the app starts once all three are here. (Left to the
// bindings' `init`, the compile would start only after the bindings and the data had arrived.) The page's
// preload links start every download before this script runs. A compile refused here (a server that does not
// send `application/wasm`) leaves the fetch and compile to `init`, as before.
const tag = document.querySelector('script[data-js][data-wasm]');
const compiled = typeof WebAssembly.compileStreaming === 'function'
  ? WebAssembly.compileStreaming(fetch(tag.dataset.wasm)).catch(() => null)
  : Promise.resolve(null);
const scenarios = fetch(new URL('data/scenarios.json', document.baseURI)).then((response) => {
  if (!response.ok) throw new Error(`data/scenarios.json: HTTP ${response.status}`);
  return response.text();
});
const [{ default: init }, data] = await Promise.all([
  import(tag.dataset.js),
  scenarios.then((text) => ({ scenarios: text }), (error) => ({ scenariosError: String(error.message || error) })),
]);
window.ecsPlaygroundData = data;
const wasm = await init({ module_or_path: (await compiled) ?? tag.dataset.wasm });
dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));

/** Shows "A new version is ready" with a Reload button that lets the waiting worker take over. */
function offerReload(worker) {
  if (document.querySelector('.update-notice')) return;
  const notice = document.createElement('div');
  notice.className = 'update-notice';
  notice.setAttribute('role', 'status');
  // Set through the CSSOM, which the page's CSP allows (it refuses <style> elements, not this).
  Object.assign(notice.style, {
    position: 'fixed', left: '50%', bottom: '16px', transform: 'translateX(-50%)', zIndex: '1000',
    display: 'flex', gap: '12px', alignItems: 'center', padding: '8px 12px', borderRadius: '6px',
    background: '#232f3e', color: '#fff', font: '14px system-ui, sans-serif', boxShadow: '0 2px 8px rgba(0,0,0,.3)',
  });
  notice.append('A new version is ready.');
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = 'Reload';
  button.addEventListener('click', () => {
    button.disabled = true;
    worker.postMessage('skip-waiting');
  });
  notice.append(button);
  document.body.append(notice);
}

/** Registers sw.js; offers a reload when a new build's worker has installed beside the running one. */
async function registerWorker() {
  // The first visit has no controller: its worker just installs, and nothing is offered.
  const hadController = Boolean(navigator.serviceWorker.controller);
  const registration = await navigator.serviceWorker.register('sw.js');
  if (registration.waiting && hadController) offerReload(registration.waiting);
  registration.addEventListener('updatefound', () => {
    const worker = registration.installing;
    worker?.addEventListener('statechange', () => {
      if (worker.state === 'installed' && navigator.serviceWorker.controller) offerReload(worker);
    });
  });
  // The new worker took over (after Reload): load the page again, all of it from the new build.
  let reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (hadController && !reloading) {
      reloading = true;
      location.reload();
    }
  });
}

if ('serviceWorker' in navigator && window.isSecureContext) {
  registerWorker().catch((e) => console.warn(`service worker not registered: ${e}`));
}
