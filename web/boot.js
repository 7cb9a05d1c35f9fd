// Page start-up and window.quittance, the automation surface (docs/automation.md).
// Loaded before app.js: it defines the Module object Emscripten's output picks up.
'use strict';
(function () {
  const message = document.getElementById('boot-message');
  let resolveReady;
  const ready = new Promise((resolve) => { resolveReady = resolve; });

  // Shows a message in place of the app: used when the app cannot start at all.
  function fatal(text) {
    message.hidden = false;
    message.className = 'fatal';
    message.textContent = 'Quittance ne peut pas démarrer : ' + text;
    resolveReady(state());
  }

  window.quittanceBoot = {
    fatal,
    firstFrame() {
      message.hidden = true;
      api.firstFrameMs = performance.now();
      resolveReady(state());
    },
  };

  window.Module = {
    canvas: document.getElementById('canvas'),
    print: (text) => console.log(text),
    printErr: (text) => console.warn(text),
    onAbort: (what) => fatal(String(what)),
  };

  function call(name, json) {
    const text = typeof json === 'string' ? json : JSON.stringify(json);
    return JSON.parse(Module.ccall(name, 'string', ['string'], [text]));
  }
  function state() {
    return JSON.parse(Module.ccall('quittance_state', 'string', [], []));
  }

  const api = {
    // Resolves with state() once the first frame after the storage load is drawn (phase
    // "ready" or "failed"), or when the app cannot start.
    ready,
    // Runs a command through the command layer the interface uses: {"ok":true,"result":…} or
    // {"ok":false,"error":{"code","message"}}. Accepts an object or a JSON string.
    exec: (json) => call('quittance_exec', json),
    // Runs a read-only command; a command that writes is refused.
    query: (json) => call('quittance_query', json),
    // The last frame's visible widgets: [{id, kind, label, key, x, y, w, h, enabled, checked}].
    ui: () => JSON.parse(Module.ccall('quittance_ui', 'string', [], [])),
    // {phase, failure, saved ("saved"|"saving"|"failed"), online, language, section, frames, version,
    //  backend: {connection, series, …}, sync: {state, pending, error, pulled, pushed, rebased}}
    state,
    // Starts a sync exchange with the clinic's server now (when paired).
    syncNow: () => Module._quittance_sync_now(),
    // Resolves once every committed change is durable in IndexedDB.
    whenSaved(timeoutMs = 10000) {
      const start = performance.now();
      return new Promise((resolve, reject) => {
        (function poll() {
          const s = state();
          if (s.saved === 'saved') return resolve(s);
          if (performance.now() - start > timeoutMs) return reject(new Error('not saved: ' + JSON.stringify(s)));
          setTimeout(poll, 20);
        })();
      });
    },
    firstFrameMs: null,
  };
  window.quittance = api;

  // The status bar shows the network state: redraw when it changes.
  for (const event of ['online', 'offline']) {
    window.addEventListener(event, () => Module._quittance_request_redraw && Module._quittance_request_redraw());
  }
})();
