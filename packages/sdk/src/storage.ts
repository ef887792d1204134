/**
 * Where the offline queue keeps its entries. Three methods, sync or async, so anything
 * fits: `localStorage`, React Native's AsyncStorage, IndexedDB wrappers, a file in Node.
 */

/** A string key-value store. Methods may return values or promises. */
export interface QueueStorage {
  get(key: string): Promise<string | null> | string | null;
  set(key: string, value: string): Promise<void> | void;
  delete(key: string): Promise<void> | void;
}

/**
 * In-memory storage: the default. Entries survive a new queue built on the same object
 * (tests, a client re-created after logout) but not a page reload or process restart.
 *
 * @example
 * const storage = memoryStorage();
 * const client = createClient({ baseUrl, apiKey, storage });
 */
export function memoryStorage(): QueueStorage {
  const map = new Map<string, string>();
  return {
    get: (key) => map.get(key) ?? null,
    set: (key, value) => {
      map.set(key, value);
    },
    delete: (key) => {
      map.delete(key);
    },
  };
}

/**
 * The part of the Web Storage API the adapter needs (`localStorage`, `sessionStorage`);
 * promise-returning versions (React Native's AsyncStorage) fit too.
 */
export interface WebStorageLike {
  getItem(key: string): string | null | Promise<string | null>;
  setItem(key: string, value: string): void | Promise<void>;
  removeItem(key: string): void | Promise<void>;
}

/**
 * Wraps `localStorage` (or anything with `getItem/setItem/removeItem`, such as React
 * Native's AsyncStorage) so queued reports survive a reload, a crash or a dead battery.
 * `setItem` throws when the quota is full; the queue lets that reach `enqueue()`'s caller,
 * so a report is never believed queued when it is not.
 *
 * @example
 * const client = createClient({
 *   baseUrl: 'https://sigap.sidoarjokab.go.id',
 *   apiKey,
 *   storage: localStorageAdapter(window.localStorage, 'sigap:'),
 * });
 */
export function localStorageAdapter(storage: WebStorageLike, prefix = 'sigap:'): QueueStorage {
  return {
    get: (key) => storage.getItem(prefix + key),
    set: (key, value) => storage.setItem(prefix + key, value),
    delete: (key) => storage.removeItem(prefix + key),
  };
}
