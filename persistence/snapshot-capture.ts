/**
 * A snapshot marked at the barrier and built afterwards (copy-on-write): the holder noted what
 * its state was at the barrier — preserving what changes before it is read — and `step()` builds
 * the snapshot a slice at a time while the actor goes on, so the actor stops only for the mark.
 * `step()` returns the snapshot once it is done (and again on later calls), undefined while work
 * remains; what it returns equals what `snapshot()` would have returned at the barrier, and is
 * its own: nothing else holds its typed arrays, so a checkpoint may move them to another thread.
 *
 * @example
 * const capture = holder.capture!(7)
 * let s; while ((s = capture.step()) === undefined) await new Promise(setImmediate)
 */
export interface SnapshotCapture<S = unknown> {
  step(): S | undefined
}

/**
 * Runs `capture` to its end in slices, yielding to the event loop before each (the actor goes on
 * from the barrier at once and handles its input in between), and resolves with the snapshot.
 *
 * @example
 * const state = await finishCapture(capture)
 */
export async function finishCapture<S>(capture: SnapshotCapture<S>): Promise<S> {
  for (;;) {
    await new Promise<void>((resolve) => setImmediate(resolve))
    const done = capture.step()
    if (done !== undefined) return done
  }
}

/**
 * Runs `capture` to its end now (a caller that needs the snapshot synchronously).
 *
 * @example
 * const state = finishCaptureNow(capture)
 */
export function finishCaptureNow<S>(capture: SnapshotCapture<S>): S {
  for (;;) {
    const done = capture.step()
    if (done !== undefined) return done
  }
}
