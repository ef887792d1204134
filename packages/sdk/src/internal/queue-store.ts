/**
 * NOT PUBLIC API. The offline queue's persistence: the entries live as one JSON array under
 * one storage key, so every change is a single `set` (atomic in `localStorage`), and all
 * read-modify-write cycles of one queue instance run one at a time.
 */
import type { QueueStorage } from '../storage.js';

export class QueueStore<Entry extends { idempotencyKey: string }> {
  private lock: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly storage: QueueStorage,
    private readonly key: string,
  ) {}

  async load(): Promise<Entry[]> {
    const raw = await this.storage.get(this.key);
    if (raw == null) return [];
    try {
      const parsed: unknown = JSON.parse(raw);
      if (Array.isArray(parsed)) return parsed as Entry[];
    } catch {
      // fall through
    }
    // Never silently destroy what may be someone's emergency report: park it for a human.
    await this.storage.set(`${this.key}.corrupt.${Date.now()}`, raw);
    await this.storage.delete(this.key);
    return [];
  }

  /** Runs `fn` on the stored entries under the lock, then saves the (mutated) array. */
  mutate<R>(fn: (entries: Entry[]) => R): Promise<R> {
    const run = this.lock.then(async () => {
      const entries = await this.load();
      const result = fn(entries);
      if (entries.length === 0) await this.storage.delete(this.key);
      else await this.storage.set(this.key, JSON.stringify(entries));
      return result;
    });
    this.lock = run.catch(() => undefined);
    return run;
  }

  /** Removes one entry; resolves with the number left. */
  remove(idempotencyKey: string): Promise<number> {
    return this.mutate((entries) => {
      const i = entries.findIndex((e) => e.idempotencyKey === idempotencyKey);
      if (i >= 0) entries.splice(i, 1);
      return entries.length;
    });
  }
}
