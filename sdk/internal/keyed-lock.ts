// An in-process lock per key: the memory payer-state store's `exclusive`, and the browser store's fallback where the
// page has no Web Locks.

/**
 * Runs each key's callers one at a time, in call order, whether each resolves or throws. Not reentrant: calling
 * `run` again for the same key from inside `fn` waits for itself forever. A key nobody holds or waits for leaves no
 * entry behind, so the map stays as small as the set of keys in use.
 */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<void>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => current);
    this.#tails.set(key, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
