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
