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
  // The database file lives in the page's memory file system; a store keeps it as 4 KiB chunks
  // and writes, after each group of commits, only the chunks SQLite changed, all or none:
  // - where the browser has the Origin Private File System, in `books.db` there, through the
  //   worker web/page_store_worker.js (a write-ahead record per group, flushed before the group
  //   is acknowledged). OPFS files are outside IndexedDB, which Chromium deletes whole when a
  //   kill tore its LevelDB log (docs/storage.md);
  // - elsewhere, in IndexedDB: object store "pages" (key = chunk number) and the size in store
  //   "meta" (key "file"), one transaction per group, with strict durability (Chrome's default,
  //   "relaxed", completes before the data is on disk).
  // Books are known to exist, so that their loss is said and never taken for a new clinic, by a
  // note in IndexedDB ("meta", key "held", written with the first group of each page's life and
  // acknowledged with it) and one in localStorage.
  $QuittancePages__deps: ['$FS'],
  $QuittancePages: {
    kChunk: 4096,
    dbs: {},        // open IndexedDB connections, by name
    sizes: {},      // the file size the IndexedDB store holds, by name, once known (load, write)
    mode: {},       // by name: 'opfs' or 'idb', decided at load
    heldNoted: {},  // by name: the IndexedDB note written in this page's life
    moving: {},     // by name: books read from IndexedDB, to be removed there once in OPFS
    heldKey: function(name) { return 'quittance-held:' + name; },
    noteHeld: function(name) {
      try { localStorage.setItem(QuittancePages.heldKey(name), '1'); } catch (e) { /* IndexedDB's note stays */ }
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
    // Runs `fill(tx)` in one strict read-write transaction of both stores; callback(err).
    update: function(name, fill, callback) {
      QuittancePages.open(name, function(err, db) {
        if (err) return callback(err);
        var tx;
        try {
          tx = db.transaction(['pages', 'meta'], 'readwrite', { durability: 'strict' });
          fill(tx);
        } catch (e) {
          // Nothing of a half-queued transaction may commit; a connection closed under us
          // (versionchange) is reopened at the next write.
          if (tx) try { tx.abort(); } catch (ignored) {}
          delete QuittancePages.dbs[name];
          delete QuittancePages.sizes[name];
          return callback(e);
        }
        tx.oncomplete = function() { callback(null); };
        tx.onabort = function() {
          delete QuittancePages.sizes[name];  // unknown now: the next write puts it again
          callback(tx.error || new Error('the IndexedDB transaction was aborted'));
        };
      });
    },
    // Removes the books' copy IndexedDB kept before they moved to OPFS (the note stays). Best
    // effort: a copy left is removed at a later start, once the note says 'opfs'.
    dropIdbCopy: function(name) {
      QuittancePages.update(name, function(tx) {
        tx.objectStore('pages').clear();
        tx.objectStore('meta').delete('file');
      }, function() {});
    },
    // What IndexedDB holds: callback(err, {data: the file or null, held: the note's store,
    // 'opfs' or 'idb', or null without a note}).
    readIdb: function(name, callback) {
      QuittancePages.open(name, function(err, db) {
        if (err) return callback(err);
        var tx, meta, held, keys, values;
        try {
          tx = db.transaction(['pages', 'meta'], 'readonly');
          meta = tx.objectStore('meta').get('file');
          held = tx.objectStore('meta').get('held');
          keys = tx.objectStore('pages').getAllKeys();
          values = tx.objectStore('pages').getAll();
        } catch (e) {
          return callback(e);
        }
        tx.onabort = function() { callback(tx.error || new Error('reading the stored pages failed')); };
        tx.oncomplete = function() {
          if (!meta.result && keys.result.length) return callback(new Error('the stored pages have no size record: damaged'));
          var data = null;
          if (meta.result) {
            var size = meta.result.size, k = QuittancePages.kChunk;
            QuittancePages.sizes[name] = size;
            data = new Uint8Array(size);
            for (var i = 0; i < keys.result.length; ++i) {
              var at = keys.result[i] * k;
              if (at < size) data.set(values.result[i].subarray(0, Math.min(k, size - at)), at);
            }
          }
          callback(null, { data: data, held: held.result ? held.result.store || 'idb' : null });
        };
      });
    },
    // The OPFS worker, started at the first call; callback(err, answer), err.unsupported when
    // this browser has no OPFS (then IndexedDB keeps the books). It holds one store: the app
    // has one per page (the benchmark's second is IndexedDB's).
    worker: null,
    calls: {},
    nextCall: 1,
    callWorker: function(message, transfer, callback) {
      var fail = function(text) {
        var e = new Error(text);
        e.unsupported = true;
        setTimeout(function() { callback(e); }, 0);
      };
      if (!QuittancePages.worker) {
        if (typeof Worker === 'undefined' || !navigator.storage || !navigator.storage.getDirectory) {
          return fail('no Origin Private File System in this browser');
        }
        try {
          QuittancePages.worker = new Worker('page_store_worker.js');
        } catch (e) {
          return fail(String(e && e.message || e));
        }
        QuittancePages.worker.onmessage = function(event) {
          var answer = event.data, done = QuittancePages.calls[answer.id];
          delete QuittancePages.calls[answer.id];
          if (!done) return;
          if (!answer.error) return done(null, answer);
          var e = new Error(answer.error);
          e.unsupported = answer.unsupported;
          done(e);
        };
        // The worker's script could not load (an old static host, a blocked file): each
        // waiting call fails; the open one as "unsupported" so that IndexedDB is used instead.
        QuittancePages.worker.onerror = function(event) {
          var calls = QuittancePages.calls;
          QuittancePages.calls = {};
          for (var id in calls) {
            var e = new Error('the page store worker failed: ' + (event.message || 'could not load'));
            e.unsupported = calls[id].opening;
            calls[id](e);
          }
        };
      }
      message.id = QuittancePages.nextCall++;
      QuittancePages.calls[message.id] = callback;
      callback.opening = message.op === 'open';
      QuittancePages.worker.postMessage(message, transfer);
    },
    dirname: function(path) { return path.slice(0, path.lastIndexOf('/')) || '/'; },
    exists: function(path) {
      try { FS.stat(path); return true; } catch (e) { return false; }
    },
  },

  // Loads the file (all of it: the store keeps every page in memory from the start), from OPFS
  // where the browser has it, else from IndexedDB. The answer's `found`:
  //   0: the stored file, or none (a new clinic: SQLite creates it);
  //   1: none stored, and an IDBFS database of an older version at `legacy` copied in place;
  //   2: none stored where this browser noted books: lost, and nothing is created;
  //   3: none in OPFS, and the books IndexedDB held copied in place (moved to OPFS).
  // For 1 and 3 the file is stored whole at the first write.
  qt_pages_load__deps: ['$QuittancePages', '$QuittanceAnswer'],
  qt_pages_load: function(self, pathPtr, namePtr, legacyPtr, indexeddbOnly) {
    var path = UTF8ToString(pathPtr), name = UTF8ToString(namePtr), legacy = UTF8ToString(legacyPtr);
    var answered = false;
    var answer = function(err, found) {
      if (answered) return;
      answered = true;  // before: the app starts inside this call, and may throw out of it
      QuittanceAnswer(_quittance_pages_loaded, self, err, found);
    };
    var install = function(data) {
      FS.mkdirTree(QuittancePages.dirname(path));  // SQLite creates a new clinic's file there
      if (data) FS.writeFile(path, data, { canOwn: true });
    };
    var open = function(callback) {
      if (!indexeddbOnly) return QuittancePages.callWorker({ op: 'open', name: name }, [], callback);
      var e = new Error('IndexedDB asked for');
      e.unsupported = true;
      callback(e);
    };
    open(function(err, opened) {
      if (err && !err.unsupported) return answer(err);
      var opfs = !err;
      QuittancePages.mode[name] = opfs ? 'opfs' : 'idb';
      QuittancePages.readIdb(name, function(err, stored) {
        if (err) return answer(err);
        var found = 0;
        try {
          if (opfs && opened.size > 0) {
            install(opened.bytes);
            // A move from IndexedDB killed after its first write here: IndexedDB's copy goes
            // now, so that it can never be taken for the books again. Only once the note says
            // the books went to OPFS: chunks IndexedDB took while OPFS was out of reach for a
            // start (note 'idb') are left alone.
            if (stored.data && stored.held === 'opfs') {
              QuittancePages.dropIdbCopy(name);
            } else if (stored.data) {
              console.warn('quittance: IndexedDB holds another copy of the books (kept; OPFS\'s are used)');
            }
          } else if (!opfs && stored.held === 'opfs') {
            // The books went to OPFS, which this start cannot reach: what IndexedDB holds is
            // older, and new books there would be lost at the next start that reaches OPFS.
            throw new Error('the books are in this browser\'s file system (OPFS), which it does not give access to now');
          } else if (stored.data) {
            install(stored.data);
            if (opfs) {
              QuittancePages.moving[name] = true;
              found = 3;
            }
          } else if (legacy && QuittancePages.exists(legacy)) {
            // Before the notes: a move from IDBFS killed before its first write is moved again.
            install(null);
            FS.writeFile(path, FS.readFile(legacy));
            // A journal left beside it is SQLite's to roll back when the file is opened.
            if (QuittancePages.exists(legacy + '-journal')) FS.writeFile(path + '-journal', FS.readFile(legacy + '-journal'));
            found = 1;
          } else if (stored.held || QuittancePages.wasHeld(name)) {
            found = 2;
          } else {
            install(null);  // a new clinic
          }
          if (found !== 2 && (stored.data || (opfs && opened.size > 0))) QuittancePages.noteHeld(name);
        } catch (e) {
          return answer(e);
        }
        answer(null, found);
      });
    });
  },

  // Stores the chunks listed (or every chunk when `whole`) and the file's size, all or none;
  // chunks past the end are dropped with them.
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
    // The bytes are copied now, synchronously: commits made while the store works go to the
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
    if (QuittancePages.mode[name] === 'opfs') {
      // The chunks to the worker, then with the first write of this page's life the note in
      // IndexedDB: the write is acknowledged once both are on disk.
      var done = function(err) {
        if (err) return answer(err);
        QuittancePages.heldNoted[name] = true;
        QuittancePages.noteHeld(name);
        if (whole && QuittancePages.moving[name]) {
          // In OPFS now: the IndexedDB copy goes (the note stays).
          delete QuittancePages.moving[name];
          QuittancePages.dropIdbCopy(name);
        }
        answer(null);
      };
      QuittancePages.callWorker({ op: 'write', size: size, chunks: chunks },
                                chunks.map(function(chunk) { return chunk[1].buffer; }), function(err) {
        // After the books, never before: a note with no books in OPFS says they were lost.
        if (err || QuittancePages.heldNoted[name]) return done(err);
        QuittancePages.update(name, function(tx) { tx.objectStore('meta').put({ store: 'opfs' }, 'held'); }, done);
      });
      return;
    }
    QuittancePages.update(name, function(tx) {
      var pages = tx.objectStore('pages');
      for (var j = 0; j < chunks.length; ++j) pages.put(chunks[j][1], chunks[j][0]);
      // Most commits keep the size: then the size and the chunks past it need no request.
      var stored = QuittancePages.sizes[name];
      if (stored === undefined || size < stored) pages.delete(IDBKeyRange.lowerBound(Math.ceil(size / k)));
      if (stored !== size) tx.objectStore('meta').put({ size: size, chunk: k }, 'file');
      if (!QuittancePages.heldNoted[name]) tx.objectStore('meta').put({ store: 'idb' }, 'held');
    }, function(err) {
      if (err) return answer(err);
      QuittancePages.sizes[name] = size;
      QuittancePages.heldNoted[name] = true;
      QuittancePages.noteHeld(name);
      answer(null);
    });
  },

  // After a loss (error.storage_lost): the notes go, and the page starts again on empty books,
  // told how (`mode`, read back by qt_take_start_over). "server" keeps the device's link (the
  // IDBFS file `linkPath`, whose events cursor C++ has set back to 0), so the books come back
  // from the server; "backup" and "empty" remove it, since how far it had pulled the server's
  // events would skip them on the empty books. Nothing else of IDBFS is touched (an older
  // version's books may be there). The link is stored before the notes go: a kill in between
  // leaves the loss said, never a link that skips events.
  qt_pages_start_over__deps: ['$QuittancePages', '$FS'],
  qt_pages_start_over: function(namePtr, linkPathPtr, modePtr) {
    var name = UTF8ToString(namePtr), linkPath = UTF8ToString(linkPathPtr), mode = UTF8ToString(modePtr);
    if (mode !== 'server' && linkPath && QuittancePages.exists(linkPath)) FS.unlink(linkPath);
    FS.syncfs(false, function(err) {
      if (err) return console.error('quittance: the device link could not be stored; not starting over', err);
      try { localStorage.removeItem(QuittancePages.heldKey(name)); } catch (e) {}
      try { sessionStorage.setItem('quittance-started-over', mode); } catch (e) {}
      QuittancePages.update(name, function(tx) { tx.objectStore('meta').delete('held'); }, function() {
        window.location.reload();
      });
    });
  },
  // How this page started over after a loss ("server", "backup", "empty"), once; else null.
  qt_take_start_over: function() {
    var mode = null;
    try {
      mode = sessionStorage.getItem('quittance-started-over');
      sessionStorage.removeItem('quittance-started-over');
    } catch (e) { return 0; }
    if (!mode) return 0;
    var bytes = lengthBytesUTF8(mode) + 1;
    var ptr = _malloc(bytes);
    stringToUTF8(mode, ptr, bytes);
    return ptr;
  },
});
