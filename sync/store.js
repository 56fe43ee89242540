// The outbox's storage behind one small async interface: IndexedDB in browsers, a Map in tests.
const clone = (value) => (value === undefined ? undefined : structuredClone(value));

export function memoryStore() {
  const ops = new Map();
  const meta = new Map();
  return {
    async all() {
      return [...ops.values()].map(clone);
    },
    async put(action) {
      ops.set(action.id, clone(action));
    },
    async remove(id) {
      ops.delete(id);
    },
    async getMeta(key) {
      return clone(meta.get(key));
    },
    async setMeta(key, value) {
      meta.set(key, clone(value));
    },
    async clear() {
      ops.clear();
      meta.clear();
    },
  };
}

function settle(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function openDatabase(indexedDB, name) {
  const request = indexedDB.open(name, 1);
  request.onupgradeneeded = () => {
    request.result.createObjectStore("ops", { keyPath: "id" });
    request.result.createObjectStore("meta");
  };
  return settle(request);
}

export function idbStore(indexedDB, name = "callboard") {
  let opened = null;
  async function run(storeName, mode, work) {
    opened ??= openDatabase(indexedDB, name);
    const db = await opened;
    const tx = db.transaction(storeName, mode);
    const request = work(tx.objectStore(storeName));
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
    return request ? request.result : undefined;
  }
  return {
    all: () => run("ops", "readonly", (s) => s.getAll()),
    put: (action) => run("ops", "readwrite", (s) => s.put(action)),
    remove: (id) => run("ops", "readwrite", (s) => s.delete(id)),
    getMeta: (key) => run("meta", "readonly", (s) => s.get(key)),
    setMeta: (key, value) => run("meta", "readwrite", (s) => s.put(value, key)),
    async clear() {
      await run("ops", "readwrite", (s) => s.clear());
      await run("meta", "readwrite", (s) => s.clear());
    },
  };
}
