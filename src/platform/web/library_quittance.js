// The JavaScript half of Quittance's browser platform layer (linked with --js-library).
// C++ calls these functions by name; they call back into exported C functions (quittance_*).
// The storage's half is library_storage.js.
// [SECTION] Text sink: a hidden textarea that receives typed, composed and pasted text
// [SECTION] Clipboard and cursor
// [SECTION] HTTP: fetch() for the sync layer (web_http.cpp)
// [SECTION] Files: downloads and the file picker (web_files.cpp)

mergeInto(LibraryManager.library, {
  // [SECTION] Text sink ----------------------------------------------------------------
  // Keys come through the html5 API; *text* comes from the textarea's input and composition
  // events, the only place where the browser hands over the final character of a dead key
  // (^ then e = ê), AltGr, an IME or a mobile keyboard.
  $QuittanceTextSink: {
    element: null,
    composing: false,
    send: function(text) {
      if (!text) return;
      var bytes = lengthBytesUTF8(text) + 1;
      var ptr = _malloc(bytes);
      stringToUTF8(text, ptr, bytes);
      _quittance_text_input(ptr);
      _free(ptr);
    },
    setup: function() {
      var sink = document.getElementById('text-sink');
      QuittanceTextSink.element = sink;
      sink.addEventListener('compositionstart', function() { QuittanceTextSink.composing = true; });
      sink.addEventListener('compositionend', function(e) {
        QuittanceTextSink.composing = false;
        QuittanceTextSink.send(e.data);
        sink.value = '';
      });
      sink.addEventListener('input', function(e) {
        // Composition text arrives whole at compositionend; line breaks are ImGui's Enter key.
        if (e.isComposing || QuittanceTextSink.composing || e.inputType === 'insertCompositionText') return;
        if (e.inputType === 'insertText' || e.inputType === 'insertReplacementText') QuittanceTextSink.send(e.data);
        sink.value = '';
      });
      sink.addEventListener('paste', function(e) {
        e.preventDefault();
        var text = e.clipboardData ? e.clipboardData.getData('text/plain') : '';
        QuittanceTextSink.send(text.replace(/\r\n?/g, '\n'));
      });
    },
  },
  qt_text_sink_update__deps: ['$QuittanceTextSink'],
  qt_text_sink_update: function(want, x, y, lineHeight) {
    var ts = QuittanceTextSink;
    if (!ts.element) ts.setup();
    var sink = ts.element;
    if (want) {
      // At the text cursor, so that an IME's candidate window opens where the user types.
      sink.style.left = Math.max(0, x) + 'px';
      sink.style.top = Math.max(0, y) + 'px';
      sink.style.height = lineHeight + 'px';
      if (document.activeElement !== sink) sink.focus({preventScroll: true});
    } else if (document.activeElement === sink) {
      sink.blur();
    }
  },

  // [SECTION] Clipboard and cursor ------------------------------------------------------
  qt_clipboard_write: function(ptr) {
    var text = UTF8ToString(ptr);
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).catch(function(err) {
        console.warn('quittance: clipboard write refused:', err && err.message);
      });
    }
  },
  // On the body: the canvas and the accessibility tree's elements over it inherit it.
  qt_set_cursor: function(ptr) {
    document.body.style.cursor = UTF8ToString(ptr);
  },

  // [SECTION] HTTP ----------------------------------------------------------------------
  // One fetch per request; the answer (or the reason there is none) goes back to C++ once.
  // The timeout is longer than the server's own retries to Stripe (about two minutes).
  qt_http_send: function(id, methodPtr, urlPtr, headersPtr, bodyPtr) {
    var method = UTF8ToString(methodPtr);
    var url = UTF8ToString(urlPtr);
    var headers = JSON.parse(UTF8ToString(headersPtr));
    var body = method === 'GET' ? undefined : UTF8ToString(bodyPtr);
    var pass = function(text) {
      var bytes = lengthBytesUTF8(text) + 1;
      var ptr = _malloc(bytes);
      stringToUTF8(text, ptr, bytes);
      return ptr;
    };
    var done = function(status, text, error) {
      var textPtr = pass(text), errorPtr = pass(error);
      _quittance_http_done(id, status, textPtr, errorPtr);
      _free(textPtr);
      _free(errorPtr);
    };
    var controller = typeof AbortController !== 'undefined' ? new AbortController() : null;
    var timer = setTimeout(function() { if (controller) controller.abort(); }, 150000);
    fetch(url, {method: method, headers: headers, body: body, cache: 'no-store', credentials: 'omit',
                signal: controller ? controller.signal : undefined})
      .then(function(response) {
        return response.text().then(function(text) { done(response.status, text, ''); });
      })
      .catch(function(err) { done(0, '', String((err && err.message) || err)); })
      .finally(function() { clearTimeout(timer); });
  },
  // A binary GET written straight into the page's file system (a clinic's snapshot): the bytes
  // never pass through a string nor the wasm heap's string helpers.
  qt_fetch_to_file__deps: ['$FS'],
  qt_fetch_to_file: function(id, urlPtr, headersPtr, pathPtr) {
    var url = UTF8ToString(urlPtr);
    var headers = JSON.parse(UTF8ToString(headersPtr));
    var path = UTF8ToString(pathPtr);
    fetch(url, {method: 'GET', headers: headers, cache: 'no-store', credentials: 'omit'})
      .then(function(response) {
        if (response.status !== 200) return response.status;
        return response.arrayBuffer().then(function(buffer) {
          FS.writeFile(path, new Uint8Array(buffer));
          return 200;
        });
      })
      .catch(function() { return 0; })
      .then(function(status) { _quittance_fetch_file_done(id, status); });
  },
  // The demo, with no backend (a static host, scripts/demo): "?demo" in the address.
  // The demo: "?demo" on any Quittance, or the static demo folder (scripts/demo marks its
  // index.html with data-mode="demo").
  qt_demo_mode: function() {
    return /(^|[?&])demo(=1)?(&|$)/.test((window.location.search || '').slice(1)) ||
           document.documentElement.getAttribute('data-mode') === 'demo' ? 1 : 0;
  },
  // The code of a "#pair=CODE" link (scripts/run prints one), removed from the address bar
  // at once so that a reload or a bookmark does not carry it.
  qt_take_pairing_code: function() {
    var match = /^#pair=([A-Za-z0-9-]{4,20})$/.exec(window.location.hash || '');
    if (!match) return 0;
    history.replaceState(null, '', window.location.pathname + window.location.search);
    var text = match[1];
    var bytes = lengthBytesUTF8(text) + 1;
    var ptr = _malloc(bytes);
    stringToUTF8(text, ptr, bytes);
    return ptr;
  },

  // "#stripe=return" or "#stripe=refresh": the server's pages Stripe sends the practitioner
  // back to lead here (stripe/connect_routes.h). Taken once, like a pairing link.
  qt_take_stripe_arrival: function() {
    var match = /^#stripe=(return|refresh)$/.exec(window.location.hash || '');
    if (!match) return 0;
    history.replaceState(null, '', window.location.pathname + window.location.search);
    var bytes = lengthBytesUTF8(match[1]) + 1;
    var ptr = _malloc(bytes);
    stringToUTF8(match[1], ptr, bytes);
    return ptr;
  },

  // Stripe's onboarding form in this tab (it comes back to the app); its dashboard in a new
  // one, without access to this page (noopener).
  qt_open_url: function(urlPtr, newTab) {
    var url = UTF8ToString(urlPtr);
    if (!/^https?:\/\//.test(url)) return;
    if (newTab) window.open(url, '_blank', 'noopener');
    else window.location.assign(url);
  },

  // Small values this device keeps outside the books (ui::Platform::remember/recall), in
  // localStorage; the demo's apart. "" when there is none or localStorage is refused.
  qt_local_set__deps: ['qt_demo_mode'],
  qt_local_set: function(keyPtr, valuePtr) {
    try {
      localStorage.setItem('quittance:' + (_qt_demo_mode() ? 'demo:' : '') + UTF8ToString(keyPtr), UTF8ToString(valuePtr));
    } catch (e) { /* not kept: the reminder may come again */ }
  },
  qt_local_get__deps: ['qt_demo_mode'],
  qt_local_get: function(keyPtr) {
    var value = '';
    try {
      value = localStorage.getItem('quittance:' + (_qt_demo_mode() ? 'demo:' : '') + UTF8ToString(keyPtr)) || '';
    } catch (e) {}
    var bytes = lengthBytesUTF8(value) + 1;
    var ptr = _malloc(bytes);
    stringToUTF8(value, ptr, bytes);
    return ptr;
  },
  // navigator.storage.persist(), asked from a click; the answer to quittance_persistence_answered.
  qt_ask_persistence: function() {
    var answer = function(granted) { _quittance_persistence_answered(granted ? 1 : 0); };
    try {
      navigator.storage.persist().then(answer, function() { answer(false); });
    } catch (e) {
      setTimeout(function() { answer(false); }, 0);
    }
  },

  // The page's origin ("https://app.example.fr"), malloc'd: asked here rather than through
  // emscripten_run_script_string, whose eval the app's Content-Security-Policy forbids.
  qt_page_origin: function() {
    var text = window.location.origin;
    var bytes = lengthBytesUTF8(text) + 1;
    var ptr = _malloc(bytes);
    stringToUTF8(text, ptr, bytes);
    return ptr;
  },

  // [SECTION] Files ---------------------------------------------------------------------
  // A download is a Blob behind a link the page clicks; the bytes are copied out of the wasm
  // heap first (it may move when it grows).
  qt_download: function(namePtr, mimePtr, dataPtr, size) {
    var blob = new Blob([HEAPU8.slice(dataPtr, dataPtr + size)], {type: UTF8ToString(mimePtr)});
    var url = URL.createObjectURL(blob);
    var link = document.createElement('a');
    link.href = url;
    link.download = UTF8ToString(namePtr);
    link.style.display = 'none';
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
    // The browser holds the Blob once the download started; the address is only needed until then.
    setTimeout(function() { URL.revokeObjectURL(url); }, 60000);
  },
  // One hidden <input type=file>, reused. Its click must follow the user's own click closely
  // (the browser's "user activation"): the C++ side calls this from the frame that handles it.
  // The chosen file's bytes go to quittance_file_picked; a cancelled dialog sends nothing.
  $QuittanceFilePicker: {
    input: null,
    deliver: function(name, bytes) {
      var nameBytes = lengthBytesUTF8(name) + 1;
      var namePtr = _malloc(nameBytes);
      stringToUTF8(name, namePtr, nameBytes);
      var dataPtr = _malloc(Math.max(1, bytes.length));
      HEAPU8.set(bytes, dataPtr);
      _quittance_file_picked(namePtr, dataPtr, bytes.length);
      _free(dataPtr);
      _free(namePtr);
    },
  },
  qt_pick_file__deps: ['$QuittanceFilePicker'],
  qt_pick_file: function(acceptPtr) {
    var picker = QuittanceFilePicker;
    if (!picker.input) {
      var input = document.createElement('input');
      input.type = 'file';
      input.style.display = 'none';
      input.addEventListener('change', function() {
        var file = input.files && input.files[0];
        if (!file) return;
        file.arrayBuffer().then(function(buffer) {
          picker.deliver(file.name, new Uint8Array(buffer));
        }, function(err) {
          console.warn('quittance: the chosen file could not be read:', err && err.message);
          picker.deliver(file.name, new Uint8Array(0));
        });
      });
      document.body.appendChild(input);
      picker.input = input;
    }
    picker.input.accept = UTF8ToString(acceptPtr);
    picker.input.value = '';  // choosing the same file again is a change too
    picker.input.click();
  },
});
