// Page start-up and window.quittance, the automation surface (docs/automation.md).
// Loaded before app.js: it defines the Module object Emscripten's output picks up.
'use strict';
(function () {
  const message = document.getElementById('boot-message');
  // The demo: "?demo", or the static demo folder (scripts/demo marks its index.html); the app
  // itself reads the same marks (qt_demo_mode in library_quittance.js).
  const demo = /(^|[?&])demo(=1)?(&|$)/.test(window.location.search.slice(1)) ||
    document.documentElement.getAttribute('data-mode') === 'demo';
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
      performance.mark('quittance-first-frame');
      resolveReady(state());
      registerWorker();
    },
  };

  let waitingForOtherTab = false;
  let runtimeUp = false;  // app.js loaded and its runtime started: its functions can be called
  window.Module = {
    canvas: document.getElementById('canvas'),
    print: (text) => console.log(text),
    printErr: (text) => console.warn(text),
    onAbort: (what) => fatal(String(what)),
    onRuntimeInitialized: () => {
      performance.mark('quittance-runtime');  // app.wasm compiled and instantiated
      runtimeUp = true;
      tellApp();
    },
  };

  // What the page learns outside the app (a new version waiting, the storage's persistence),
  // handed to the app as soon as its runtime is up.
  const page = { updateReady: false, persisted: null };
  function tellApp() {
    if (!runtimeUp) return;
    Module._quittance_page_status(page.updateReady ? 1 : 0, page.persisted === null ? -1 : page.persisted ? 1 : 0);
  }

  function call(name, json) {
    if (waitingForOtherTab) {
      return { ok: false, error: { code: 'other_tab', message: 'another tab of this browser runs Quittance' } };
    }
    if (!runtimeUp) return { ok: false, error: { code: 'not_ready', message: 'Quittance is still loading' } };
    const text = typeof json === 'string' ? json : JSON.stringify(json);
    return JSON.parse(Module.ccall(name, 'string', ['string'], [text]));
  }
  function state() {
    if (waitingForOtherTab) return { phase: 'other_tab' };
    if (!runtimeUp) return { phase: 'loading' };
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
    // The last frame's visible widgets: [{id, kind, role, label, key, x, y, w, h, enabled, checked}].
    ui: () => JSON.parse(Module.ccall('quittance_ui', 'string', [], [])),
    // {phase, failure, saved ("saved"|"saving"|"failed"), online, language, section, frames (drawn),
    //  framesShown (of which sent to the canvas: not like the last), version, memoryBytes (the
    //  WebAssembly memory's size: its peak, since it never shrinks),
    //  backend: {connection, series, …}, sync: {state, pending, error, pulled, pushed, rebased}}
    state,
    // The accessibility layer on (true, the default) or off: for the benchmark measuring its
    // cost per frame (tests/bench/browser_bench.mjs), never for users.
    accessibility: (on) => Module._quittance_set_accessibility(on ? 1 : 0),
    // What the layer cost so far, for that benchmark: {structures (sent), coalesced (of which
    // sent from the timer, after a frame), structure_ms, boxes_ms, frame_ms (its time in each
    // frame since the last call)}.
    accessibilityStats: () => JSON.parse(Module.ccall('quittance_a11y_stats', 'string', [], [])),
    // Holds a backup's check at 0 % (true) or lets it go on (false): for the browser tests,
    // which stop a check at a known point (tests/browser/restore_large.test.mjs), never for users.
    holdBackupCheck: (held) => Module._quittance_hold_backup_check(held ? 1 : 0),
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
    updateReady: false,        // a new version is installed and waits for the next start
    storagePersisted: null,    // navigator.storage.persist()'s answer, once known
  };
  window.quittance = api;

  // One writer per browser: each tab holds the clinic's database in memory and stores the pages
  // it changes, so two tabs writing it would mix pages of two different files. The tab holding
  // the Web Lock runs the app; another one says so and takes over, without a reload, as soon as
  // the first is closed. (Without Web Locks, outside a secure context, the app just starts.)
  function loadApp() {
    const script = document.createElement('script');
    script.src = 'app.js';
    script.async = true;
    document.body.appendChild(script);
  }
  // The demo's own data has its own writer (a demo tab never holds back the clinic's).
  const kWriterLock = demo ? 'quittance-demo-writer' : 'quittance-writer';
  function startApp() {
    if (navigator.locks && navigator.locks.request) {
      navigator.locks.request(kWriterLock, { ifAvailable: true }, (lock) => {
        if (lock) {
          loadApp();
          return new Promise(() => {});  // held as long as the page lives
        }
        waitingForOtherTab = true;
        message.hidden = false;
        message.className = 'other-tab';
        message.textContent = 'Quittance est déjà ouvert dans un autre onglet de ce navigateur. Un seul onglet ' +
          'à la fois peut modifier les données du cabinet : continuez dans l’autre onglet, ou fermez-le — ' +
          'celui-ci prendra le relais automatiquement.';
        resolveReady(state());
        navigator.locks.request(kWriterLock, () => {
          waitingForOtherTab = false;
          message.className = '';
          message.textContent = 'Chargement de Quittance…';
          loadApp();
          return new Promise(() => {});
        });
        return undefined;
      });
    } else {
      loadApp();
    }
  }

  // A start is when a version downloaded earlier takes over (sw.js): when one waits and no
  // other tab runs the old one, it is activated and the page reloads on it before the app
  // loads. Once it is told to activate, this page never starts the old app.
  function takeWaitingUpdate() {
    if (!('serviceWorker' in navigator) || !navigator.serviceWorker.controller) return Promise.resolve(false);
    return navigator.serviceWorker.getRegistration().then((registration) => {
      const worker = registration && registration.waiting;
      if (!worker) return false;
      return new Promise((resolve) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = (e) => resolve(e.data === true);
        worker.postMessage({ type: 'alone?' }, [channel.port2]);
        setTimeout(() => resolve(false), 2000);  // no answer: start the running version
      }).then((alone) => {
        if (!alone) return false;
        navigator.serviceWorker.addEventListener('controllerchange', () => window.location.reload());
        worker.postMessage({ type: 'activate' });
        setTimeout(() => window.location.reload(), 10000);  // whatever then runs, whole
        return true;
      });
    });
  }
  takeWaitingUpdate().then((taking) => {
    if (!taking) startApp();
  }).catch(startApp);

  // Offline start and updates (sw.js): the app shell is cached after one online visit; a new
  // version is installed in the background and used from the next start, which the status bar
  // announces (« Mise à jour prête »).
  // Registered once the app is drawn: the first visit loads app.wasm for the app first, and
  // the worker's copy comes after.
  function registerWorker() {
    if (!('serviceWorker' in navigator)) return;
    navigator.serviceWorker.register('sw.js', { updateViaCache: 'none' }).then((registration) => {
      const waiting = () => {
        if (registration.waiting && navigator.serviceWorker.controller) {
          page.updateReady = true;
          api.updateReady = true;
          tellApp();
        }
      };
      waiting();
      registration.addEventListener('updatefound', () => {
        const worker = registration.installing;
        if (worker) worker.addEventListener('statechange', () => { if (worker.state === 'installed') waiting(); });
      });
    }).catch((e) => console.warn('service worker not registered:', e));
  }

  // Whether the browser keeps the clinic's data even when the disk fills up. Asking it
  // (navigator.storage.persist(), which some browsers put to the user) is the app's, from a
  // click once it said why (src/ui/safety_notice.h). Not for the demo.
  if (!demo && navigator.storage && navigator.storage.persisted) {
    navigator.storage.persisted()
      .then((granted) => {
        page.persisted = !!granted;
        api.storagePersisted = page.persisted;
        tellApp();
      })
      .catch(() => {});
  }

  // The status bar shows the network state: redraw when it changes.
  for (const event of ['online', 'offline']) {
    window.addEventListener(event, () => Module._quittance_request_redraw && Module._quittance_request_redraw());
  }
})();
