// Cache names and their lifecycle. Static assets live in a cache named after the asset
// version (a deploy makes a new one); saved pages and documents kept for the next calls
// live across deploys so a phone never loses them to an update.
export const PREFIX = "callboard-";
export const PAGES_SCHEMA = 1;
export const DOCUMENTS_SCHEMA = 1;

export function cacheNames(version) {
  return {
    static: `${PREFIX}static-${version}`, pages: `${PREFIX}pages-${PAGES_SCHEMA}`,
    documents: `${PREFIX}documents-${DOCUMENTS_SCHEMA}`,
  };
}

export async function precache(caches, names, urls) {
  const cache = await caches.open(names.static);
  await cache.addAll(urls);
}

export async function removeOldCaches(caches, names) {
  const keep = new Set(Object.values(names));
  const removed = [];
  for (const key of await caches.keys()) {
    if (key.startsWith(PREFIX) && !keep.has(key)) {
      await caches.delete(key);
      removed.push(key);
    }
  }
  return removed;
}

export async function clearAll(caches) {
  for (const key of await caches.keys()) {
    if (key.startsWith(PREFIX)) await caches.delete(key);
  }
}
