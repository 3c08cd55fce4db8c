// Starts the ECS Playground: loads the wasm-bindgen module and instantiates the wasm binary.
//
// Trunk would inject this as an inline <script type="module">, which the page's
// Content-Security-Policy (script-src 'self' 'wasm-unsafe-eval') refuses. Trunk.toml's
// `pattern_script` emits <script type="module" src="boot.js" data-js=... data-wasm=...> instead,
// with the hashed file names of this build.
const tag = document.querySelector('script[data-js][data-wasm]');
const { default: init } = await import(tag.dataset.js);
const wasm = await init({ module_or_path: tag.dataset.wasm });
dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));
