/**
 * Poll a condition the test cannot be notified of (server-side state, log
 * lines) every 10 ms until it holds; fail after `timeoutMs`. For client-side
 * events, await the event instead.
 */
export async function until(condition: () => boolean, timeoutMs = 5000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Poll an asynchronous probe (an HTTP endpoint of another process) until its
 * value passes `accept`; resolves with that value, fails after `timeoutMs`
 * with the last value seen.
 */
export async function untilValue<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 5000,
  what = "value",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`${what} not as expected within ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
