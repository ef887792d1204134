/**
 * NOT PUBLIC API. A tiny typed event emitter: no `EventTarget` (absent from older React
 * Native) and no Node `events` module, so it runs everywhere.
 */
export type Listener<T> = (event: T) => void;

export class Emitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();

  /**
   * Subscribes; returns the unsubscribe function.
   *
   * @example
   * const off = client.queue.on('change', ({ pending }) => {
   *   badge.textContent = String(pending);
   * });
   * off();
   */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    const set = this.listeners.get(event) ?? new Set();
    this.listeners.set(event, set);
    set.add(listener);
    return () => this.off(event, listener);
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    this.listeners.get(event)?.delete(listener);
  }

  protected emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])] as Listener<Events[K]>[]) {
      try {
        listener(payload);
      } catch (error) {
        // A broken listener must not break the emitter's owner (e.g. stop a queue flush);
        // rethrow it asynchronously so it still reaches the console / error tracker.
        setTimeout(() => {
          throw error;
        }, 0);
      }
    }
  }
}
