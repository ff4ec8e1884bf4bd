/**
 * Sync-or-async sequencing without a promise per call: steps return `void` when they finished
 * synchronously and a promise only when they must wait (backpressure, async user code). On the
 * hot path (a batch through a fused chain) nearly every call is synchronous, and allocating a
 * promise per batch per step would dominate small batches.
 */
export type Maybe<T = void> = T | Promise<T>

/** Runs `next` after `first` settles; synchronously when `first` is not a promise. */
export function andThen<A, T>(first: Maybe<A>, next: (value: A) => Maybe<T>): Maybe<T> {
  return first instanceof Promise ? first.then(next) : next(first)
}
