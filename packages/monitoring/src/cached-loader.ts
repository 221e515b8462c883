/**
 * `load`, called at most once per `maxAgeMs`: callers within that time share the last answer, and
 * callers arriving while a load runs wait for it, so a storm of scrapes is one query per window.
 * A failure is remembered for the window too (as null), so a database that is down is not hammered.
 */
export function cachedLoader<T>(load: () => Promise<T>, maxAgeMs: number): () => Promise<T | null> {
  let current: { at: number; value: Promise<T | null> } | null = null;
  return () => {
    const now = performance.now();
    if (!current || now - current.at >= maxAgeMs) {
      current = { at: now, value: load().catch(() => null) };
    }
    return current.value;
  };
}
