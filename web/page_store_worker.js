// The page store's Origin Private File System side (docs/storage.md, « The OPFS store »): a
// dedicated worker, the only place a browser gives synchronous file access
// (createSyncAccessHandle), keeps the clinic's file as `books.db` in the OPFS folder named after
// the store, with a write-ahead record `books.wal` beside it. library_storage.js sends it the
// chunks a group of commits changed; the group is written as one record at the start of
// books.wal, flushed, acknowledged, then copied into books.db and flushed there, before the next
// message is read. So books.wal holds the newest group (whole, or torn by a kill before it was
// acknowledged), and books.db every group before it: an open copies a whole record again (the
// same bytes: harmless) and ignores a torn one. books.wal is overwritten in place, never cut, so
// that its flush has no size change to journal (a large record, a restore's, is cut away after).
// OPFS files are plain files of the profile, outside IndexedDB's LevelDB, whose torn logs make
// Chromium delete an origin's IndexedDB.
//
// Messages: {id, op: 'open', name} → {id, size, bytes} (the file, transferred);
//           {id, op: 'write', size, chunks: [[chunk number, Uint8Array]…]} → {id};
//           a failure → {id, error, unsupported?} (unsupported: no OPFS here, use IndexedDB).
'use strict';

const kChunk = 4096;
const kMagic = 0x31575451;  // "QTW1", little-endian
const kKeptWal = 1 << 20;  // books.wal is cut back to nothing after a record larger than this
let books = null, wal = null;  // FileSystemSyncAccessHandle, once open
let uncopied = null;  // an acknowledged record whose copy into books.db failed (quota): its record stays

// CRC-32 (IEEE), to tell a whole record from one a kill tore.
const crcTable = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; ++n) {
    let c = n;
    for (let k = 0; k < 8; ++k) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
function crc32(bytes, end) {
  let c = 0xffffffff;
  for (let i = 0; i < end; ++i) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// A record: magic, chunk count, file size (float64: files pass 4 GiB before it loses a byte),
// then per chunk its number and length, then the chunks' bytes, then the CRC of all before it.
function encode(size, chunks) {
  let length = 16 + chunks.length * 8 + 4;
  for (const [, bytes] of chunks) length += bytes.length;
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  view.setUint32(0, kMagic, true);
  view.setUint32(4, chunks.length, true);
  view.setFloat64(8, size, true);
  let at = 16;
  for (const [c, bytes] of chunks) {
    view.setUint32(at, c, true);
    view.setUint32(at + 4, bytes.length, true);
    at += 8;
  }
  for (const [, bytes] of chunks) {
    out.set(bytes, at);
    at += bytes.length;
  }
  view.setUint32(at, crc32(out, at), true);
  return out;
}

// The record at the start of `log`, or null if there is none whole.
function decode(log) {
  if (log.length < 20) return null;
  const view = new DataView(log.buffer, log.byteOffset, log.length);
  if (view.getUint32(0, true) !== kMagic) return null;
  const count = view.getUint32(4, true), size = view.getFloat64(8, true);
  let at = 16 + count * 8;
  if (at + 4 > log.length) return null;
  const chunks = [];
  for (let i = 0; i < count; ++i) {
    const c = view.getUint32(16 + i * 8, true), length = view.getUint32(20 + i * 8, true);
    if (length > kChunk || at + length + 4 > log.length) return null;
    chunks.push([c, log.subarray(at, at + length)]);
    at += length;
  }
  if (view.getUint32(at, true) !== crc32(log, at)) return null;
  return { size, chunks };
}

function copyIntoBooks({ size, chunks }) {
  for (const [c, bytes] of chunks) {
    if (c * kChunk < size) books.write(bytes, { at: c * kChunk });
  }
  if (books.getSize() !== size) books.truncate(size);
  books.flush();
  if (wal.getSize() > kKeptWal) {  // in books.db now: the space goes back
    wal.truncate(0);
    wal.flush();
  }
}

function readAll(handle) {
  const bytes = new Uint8Array(handle.getSize());
  if (bytes.length && handle.read(bytes, { at: 0 }) !== bytes.length) throw new Error('short read of the stored books');
  return bytes;
}

async function open(name) {
  let root;
  try {
    if (typeof FileSystemFileHandle === 'undefined' || !('createSyncAccessHandle' in FileSystemFileHandle.prototype)) {
      throw new Error('no synchronous file access in this browser');
    }
    root = await navigator.storage.getDirectory();  // refused in some private windows
  } catch (e) {
    e.unsupported = true;
    throw e;
  }
  const folder = await root.getDirectoryHandle(name, { create: true });
  // Exclusive handles: the app runs in one tab at a time (its Web Lock), but the worker of the
  // page just reloaded may hold them a moment longer (NoModificationAllowedError): tried again
  // for about three seconds before the app is told storage is unavailable.
  for (let attempt = 0; ; ++attempt) {
    try {
      books = await (await folder.getFileHandle('books.db', { create: true })).createSyncAccessHandle();
      if (typeof books.getSize() !== 'number') {
        // Chromium 102–107: getSize, flush and truncate answered promises. Not this store's API.
        books = null;
        const e = new Error('this browser\'s synchronous file access is not synchronous');
        e.unsupported = true;
        throw e;
      }
      wal = await (await folder.getFileHandle('books.wal', { create: true })).createSyncAccessHandle();
      break;
    } catch (e) {
      if (books) books.close();
      books = null;
      if (e.unsupported || e.name !== 'NoModificationAllowedError' || attempt >= 6) throw e;
      await new Promise((resolve) => setTimeout(resolve, 50 << Math.min(attempt, 5)));
    }
  }
  const record = decode(readAll(wal));
  if (record) copyIntoBooks(record);  // the newest group: maybe acknowledged, then killed before its copy
  return readAll(books);
}

function write(size, chunks) {
  if (uncopied) {  // its record is the only copy: never written over before it is in books.db
    copyIntoBooks(uncopied);
    uncopied = null;
  }
  // A write that fails half-way leaves a torn record: never acknowledged, ignored at the open.
  const record = encode(size, chunks);
  if (wal.write(record, { at: 0 }) !== record.length) throw new Error('the record was written short');
  wal.flush();
}

self.onmessage = async (event) => {
  const message = event.data;
  try {
    if (message.op === 'open') {
      const bytes = await open(message.name);
      self.postMessage({ id: message.id, size: bytes.length, bytes }, [bytes.buffer]);
    } else if (message.op === 'write') {
      if (!books) throw new Error('the page store is not open');
      write(message.size, message.chunks);
      self.postMessage({ id: message.id });  // durable: the record is on disk
      try {
        copyIntoBooks({ size: message.size, chunks: message.chunks });
      } catch (e) {
        uncopied = { size: message.size, chunks: message.chunks };  // tried again before the next write
      }
    } else {
      throw new Error(`unknown message ${message.op}`);
    }
  } catch (e) {
    self.postMessage({ id: message.id, error: String((e && (e.message || e.name)) || e), unsupported: !!(e && e.unsupported) });
  }
};
