// The storage benchmark page's start (storage_bench.html): window.benchReady resolves once the
// wasm runtime is up.
window.benchReady = new Promise((resolve) => { window.Module = { onRuntimeInitialized: resolve }; });
