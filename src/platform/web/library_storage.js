// The JavaScript half of the browser's storage (linked with --js-library): the page store of the
// clinic database (page_storage.cpp) and Emscripten's IDBFS for the small files beside it
// (idbfs_storage.cpp). C++ passes its object's address as `self`; each answer goes back to it
// once, through an exported quittance_* function, with "" or the reason of a failure.
// [SECTION] Answers to C++
// [SECTION] IDBFS
// [SECTION] Page store

mergeInto(LibraryManager.library, {
  // [SECTION] Answers to C++ ---------------------------------------------------------------
  $QuittanceAnswer: function(callback, self, err, extra) {
    var message = err ? String((err && (err.message || err.name)) || err) : '';
    var bytes = lengthBytesUTF8(message) + 1;
    var ptr = _malloc(bytes);
    stringToUTF8(message, ptr, bytes);
    callback(self, ptr, extra || 0);
    _free(ptr);
  },

  // [SECTION] IDBFS ------------------------------------------------------------------------
  // IDBFS keeps a folder in memory and copies it to and from IndexedDB on FS.syncfs (every
  // IDBFS folder at once). One sync at a time per folder: idbfs_storage.cpp queues the next.
  qt_idbfs_load__deps: ['$FS', '$IDBFS', '$QuittanceAnswer', 'qt_demo_mode'],
  qt_idbfs_load: function(self, pathPtr) {
    var path = UTF8ToString(pathPtr);
    try {
      if (typeof indexedDB === 'undefined') throw new Error('IndexedDB is not available in this browser');
      // The demo keeps its files in IndexedDB databases of its own: a real clinic's data on the
      // same address is never touched by it (IDBFS names the database after the folder).
      if (_qt_demo_mode() && !IDBFS.quittanceDemo) {
        var getDB = IDBFS.getDB;
        IDBFS.getDB = function(name, callback) { return getDB('quittance-demo:' + name, callback); };
        IDBFS.quittanceDemo = true;
      }
      FS.mkdirTree(path);
      FS.mount(IDBFS, {}, path);
    } catch (e) {
      setTimeout(function() { QuittanceAnswer(_quittance_idbfs_loaded, self, e); }, 0);
      return;
    }
    FS.syncfs(true, function(err) { QuittanceAnswer(_quittance_idbfs_loaded, self, err); });
  },
  qt_idbfs_flush__deps: ['$FS', '$QuittanceAnswer'],
  qt_idbfs_flush: function(self) {
    FS.syncfs(false, function(err) { QuittanceAnswer(_quittance_idbfs_flushed, self, err); });
  },

  // [SECTION] Page store -------------------------------------------------------------------
  // The database file lives in the page's memory file system; IndexedDB keeps it as 4 KiB
  // chunks (object store "pages", key = chunk number) and its size (store "meta", key "file").
  // A write puts the chunks SQLite changed and the size in one transaction, so IndexedDB holds
  // the file as it was after some commit, never between two. Strict durability: the transaction
  // completes once the data is on disk (Chrome's default, "relaxed", completes before).
  $QuittancePages__deps: ['$FS'],
  $QuittancePages: {
    kChunk: 4096,
    dbs: {},    // open IndexedDB connections, by name
    sizes: {},  // the file size each database holds, by name, once known (load, write)
    // A note kept outside IndexedDB (localStorage) that this browser holds books in `name`:
    // if IndexedDB comes back empty while the note is there, the browser lost them.
    heldKey: function(name) { return 'quittance-held:' + name; },
    noteHeld: function(name) {
      if (QuittancePages.held) return;
      try { localStorage.setItem(QuittancePages.heldKey(name), '1'); } catch (e) { return; }
      QuittancePages.held = true;
    },
    wasHeld: function(name) {
      try { return localStorage.getItem(QuittancePages.heldKey(name)) === '1'; } catch (e) { return false; }
    },
    open: function(name, callback) {
      if (QuittancePages.dbs[name]) return callback(null, QuittancePages.dbs[name]);
      var called = false;
      var done = function(err, db) {
        if (called) return;
        called = true;
        callback(err, db);
      };
      var request;
      try {
        if (typeof indexedDB === 'undefined') throw new Error('IndexedDB is not available in this browser');
        request = indexedDB.open(name, 1);
      } catch (e) {
        return done(e);
      }
      request.onupgradeneeded = function() {
        var db = request.result;
        if (!db.objectStoreNames.contains('pages')) db.createObjectStore('pages');
        if (!db.objectStoreNames.contains('meta')) db.createObjectStore('meta');
      };
      request.onsuccess = function() {
        var db = request.result;
        // Another version of the app asks to upgrade the database: let it (this page stops
        // writing; its next write reopens and reports what happens then).
        db.onversionchange = function() {
          db.close();
          delete QuittancePages.dbs[name];
          delete QuittancePages.sizes[name];
        };
        QuittancePages.dbs[name] = db;
        done(null, db);
      };
      request.onerror = function() { done(request.error || new Error('IndexedDB refused to open ' + name)); };
      // Blocked: another tab holds an older version open; onsuccess follows once it lets go.
      request.onblocked = function() { console.warn('quittance: IndexedDB waits for another tab to close ' + name); };
    },
    dirname: function(path) { return path.slice(0, path.lastIndexOf('/')) || '/'; },
    exists: function(path) {
      try { FS.stat(path); return true; } catch (e) { return false; }
    },
  },

  // Loads the file from its chunks (all of them: the store keeps every page in memory from
  // the start). With no file stored yet, an IDBFS database of an older version at `legacy`
  // is copied in place, and the answer says so (1): it is stored whole at the first write.
  // No file where this browser noted one: the answer is 2 (lost), and nothing is created.
  qt_pages_load__deps: ['$QuittancePages', '$QuittanceAnswer'],
  qt_pages_load: function(self, pathPtr, namePtr, legacyPtr) {
    var path = UTF8ToString(pathPtr), name = UTF8ToString(namePtr), legacy = UTF8ToString(legacyPtr);
    var answered = false;
    var answer = function(err, found) {
      if (answered) return;
      answered = true;  // before: the app starts inside this call, and may throw out of it
      QuittanceAnswer(_quittance_pages_loaded, self, err, found);
    };
    QuittancePages.open(name, function(err, db) {
      if (err) return answer(err);
      var tx, meta, keys, values;
      try {
        tx = db.transaction(['pages', 'meta'], 'readonly');
        meta = tx.objectStore('meta').get('file');
        keys = tx.objectStore('pages').getAllKeys();
        values = tx.objectStore('pages').getAll();
      } catch (e) {
        return answer(e);
      }
      tx.onabort = function() { answer(tx.error || new Error('reading the stored pages failed')); };
      tx.oncomplete = function() {
        var found = 0, failure = null;
        try {
          FS.mkdirTree(QuittancePages.dirname(path));
          if (!meta.result && keys.result.length) throw new Error('the stored pages have no size record: damaged');
          if (meta.result) {
            var size = meta.result.size, k = QuittancePages.kChunk;
            QuittancePages.sizes[name] = size;
            var data = new Uint8Array(size);
            for (var i = 0; i < keys.result.length; ++i) {
              var at = keys.result[i] * k;
              if (at < size) data.set(values.result[i].subarray(0, Math.min(k, size - at)), at);
            }
            FS.writeFile(path, data, { canOwn: true });
            QuittancePages.noteHeld(name);
          } else if (legacy && QuittancePages.exists(legacy)) {
            FS.writeFile(path, FS.readFile(legacy));
            // A journal left beside it is SQLite's to roll back when the file is opened.
            if (QuittancePages.exists(legacy + '-journal')) FS.writeFile(path + '-journal', FS.readFile(legacy + '-journal'));
            found = 1;
          } else if (QuittancePages.wasHeld(name)) {
            found = 2;
          }  // else a new clinic: SQLite creates the file
        } catch (e) {
          failure = e;
        }
        answer(failure, found);
      };
    });
  },

  // Stores the chunks listed (or every chunk when `whole`) and the file's size, in one
  // transaction; chunks past the end are deleted in the same transaction.
  qt_pages_write__deps: ['$QuittancePages', '$QuittanceAnswer', '$MEMFS'],
  qt_pages_write: function(self, pathPtr, namePtr, whole, chunksPtr, count, shrunkTo) {
    var path = UTF8ToString(pathPtr), name = UTF8ToString(namePtr);
    var list = whole ? null : HEAPU32.slice(chunksPtr >> 2, (chunksPtr >> 2) + count);
    var answered = false;
    var answer = function(err) {
      if (answered) return;
      answered = true;
      QuittanceAnswer(_quittance_pages_written, self, err);
    };
    // The bytes are copied now, synchronously: commits made while IndexedDB works go to the
    // next write. Straight from the memory file system's node (no stream to open per commit).
    var k = QuittancePages.kChunk, chunks = [], size = 0;
    try {
      var node = QuittancePages.exists(path) ? FS.lookupPath(path).node : null;
      var bytes = node ? MEMFS.getFileDataAsTypedArray(node) : new Uint8Array(0);
      size = bytes.length;
      var take = function(c) {
        var at = c * k;
        if (at < size) chunks.push([c, bytes.slice(at, Math.min(at + k, size))]);
      };
      if (whole) {
        for (var c = 0; c * k < size; ++c) take(c);
      } else {
        for (var i = 0; i < list.length; ++i) take(list[i]);
        // Cut then grown again: from the cut on, the file is stored as it is now.
        if (shrunkTo >= 0) for (var d = Math.floor(shrunkTo / k); d * k < size; ++d) take(d);
      }
    } catch (e) {
      return setTimeout(function() { answer(e); }, 0);
    }
    QuittancePages.open(name, function(err, db) {
      if (err) return answer(err);
      var tx;
      try {
        tx = db.transaction(['pages', 'meta'], 'readwrite', { durability: 'strict' });
        var pages = tx.objectStore('pages');
        for (var j = 0; j < chunks.length; ++j) pages.put(chunks[j][1], chunks[j][0]);
        // Most commits keep the size: then the size and the chunks past it need no request.
        var stored = QuittancePages.sizes[name];
        if (stored === undefined || size < stored) pages.delete(IDBKeyRange.lowerBound(Math.ceil(size / k)));
        if (stored !== size) tx.objectStore('meta').put({ size: size, chunk: k }, 'file');
      } catch (e) {
        // Nothing of a half-queued transaction may commit; a connection closed under us
        // (versionchange) is reopened at the next write.
        if (tx) try { tx.abort(); } catch (ignored) {}
        delete QuittancePages.dbs[name];
        delete QuittancePages.sizes[name];
        return answer(e);
      }
      tx.oncomplete = function() {
        QuittancePages.sizes[name] = size;
        QuittancePages.noteHeld(name);
        answer(null);
      };
      tx.onabort = function() {
        delete QuittancePages.sizes[name];  // unknown now: the next write puts it again
        answer(tx.error || new Error('the IndexedDB transaction was aborted'));
      };
    });
  },

  // After a loss (error.storage_lost): the note goes, and the page starts again on empty books.
  qt_pages_start_over__deps: ['$QuittancePages'],
  qt_pages_start_over: function(namePtr) {
    try { localStorage.removeItem(QuittancePages.heldKey(UTF8ToString(namePtr))); } catch (e) {}
    window.location.reload();
  },
});
