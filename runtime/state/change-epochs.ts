/** Closed epochs kept (checkpoints an incremental snapshot can reach back to). */
const MAX_EPOCHS = 16

/**
 * The keys a keyed holder touched (wrote, removed, expired) per snapshot epoch: an epoch runs
 * from one snapshot to the next, so the keys touched since the snapshot of checkpoint `since`
 * are those of the epochs after it. Memory is bounded: at most 16 closed epochs, and no more
 * touched keys in all than `limit()` (the caller's live key count, say); older epochs are
 * dropped, and a question about them is answered `undefined` (take a full snapshot).
 *
 * @example
 * const e = new ChangeEpochs(() => 1000)
 * e.touch('a'); e.close(1); e.touch('b'); e.since(1, 2) // Set { 'b' }
 */
export class ChangeEpochs {
  /** Closed epochs, oldest first: the keys touched after the snapshot `after`. */
  private closed: { after: number | undefined; keys: Set<unknown> }[] = []
  private current = new Set<unknown>()
  /** The snapshot the current epoch started at; undefined: none this run (or not a checkpoint). */
  private after: number | undefined
  private held = 0
  /** More keys were touched since the last snapshot than `limit()`: no changes can be told until the next one. */
  private overflow = false

  constructor(private readonly limit: () => number) {}

  /** Keys held for the epochs kept and the current one (what this costs in memory). */
  get tracked(): number {
    return this.held + this.current.size
  }

  /**
   * `key` changed in the current epoch. Nothing is kept before this run's first snapshot for a
   * checkpoint (no changes can be asked since anything earlier), so a job without checkpoints
   * keeps no key here, however many it touches.
   */
  touch(key: unknown): void {
    if (this.after === undefined || this.overflow) return
    this.current.add(key)
    if (this.current.size > this.limit()) {
      this.overflow = true
      this.current = new Set()
    }
  }

  /**
   * The keys touched since the snapshot for checkpoint `since`, when this run took it and the
   * epochs after it are still kept; undefined otherwise. Closes the current epoch at `checkpointId`.
   */
  since(since: number, checkpointId: number): Set<unknown> | undefined {
    let out: Set<unknown> | undefined
    const first = this.after === since ? this.closed.length : this.closed.findIndex((e) => e.after === since)
    if (first >= 0 && !this.overflow) {
      out = new Set(this.current)
      for (let i = first; i < this.closed.length; i++) for (const k of this.closed[i].keys) out.add(k)
    }
    this.close(checkpointId)
    return out
  }

  /** A snapshot was taken (for `checkpointId`, or outside checkpoints): a new epoch starts. */
  close(checkpointId: number | undefined): void {
    if (this.overflow) {
      // Too much changed to tell: no snapshot before this one can be a base any more.
      this.reset()
      this.after = checkpointId
      return
    }
    this.closed.push({ after: this.after, keys: this.current })
    this.held += this.current.size
    this.current = new Set()
    this.after = checkpointId
    // Past the bounds, the oldest epochs go: changes since them can no longer be told.
    while (this.closed.length > MAX_EPOCHS || (this.closed.length > 0 && this.held > this.limit())) {
      this.held -= this.closed.shift()!.keys.size
    }
  }

  /** After a restore: nothing since any snapshot of this run can be told. */
  reset(): void {
    this.closed = []
    this.current = new Set()
    this.after = undefined
    this.held = 0
    this.overflow = false
  }
}
