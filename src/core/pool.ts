/**
 * The one worker pool of the engine: `fn` over `items` with at most `concurrency` in flight, results
 * in the items' order. Stops taking new items once `signal` is aborted (those results stay undefined).
 * `fn` must not throw: every outcome of the engine is data.
 */
export async function mapPool<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
  signal?: AbortSignal,
): Promise<(R | undefined)[]> {
  const results = new Array<R | undefined>(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length || signal?.aborted) return;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}
