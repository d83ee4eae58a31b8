/**
 * A verdict that is ready now (a limit held in this process' memory) or later
 * (a limit shared through Redis). Admission stays synchronous for a single
 * process, exactly as before the cluster existed, and waits only where a
 * shared store has to answer.
 */
export type MaybePromise<T> = T | Promise<T>;

/** `next(value)`, now when `value` is ready, else once it resolves. */
export function andThen<T, U>(value: MaybePromise<T>, next: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}
