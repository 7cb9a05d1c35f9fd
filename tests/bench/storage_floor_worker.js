// The storage benchmark's OPFS floor (tests/bench/storage_bench.mjs): two 4 KiB pages written
// through a synchronous access handle and flushed, per message — what the page store's worker
// (web/page_store_worker.js) cannot do with less, measured from the page like its writes.
'use strict';
let handle = null;
self.onmessage = async () => {
  if (!handle) {
    const root = await navigator.storage.getDirectory();
    handle = await (await root.getFileHandle('bench-floor.bin', { create: true })).createSyncAccessHandle();
  }
  const page = crypto.getRandomValues(new Uint8Array(8192));
  handle.write(page, { at: 0 });
  handle.flush();
  self.postMessage(null);
};
