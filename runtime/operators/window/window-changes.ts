import type { KeyGroup } from '../../../persistence/state-holder.ts'

/** Snapshots remembered for incremental checkpoints: changes are answered since any of them. */
const REMEMBERED = 8

/**
 * What changed in a window step since a snapshot: each key entry carries the epoch it last
 * changed in (`epoch`, stamped by the step), each snapshot closes an epoch, and keys the step
 * dropped are logged with their last drop's. Memory: the distinct keys dropped over the last
 * REMEMBERED snapshots, at most `limit()`.
 *
 * @example
 * const changes = new WindowChanges(() => 1024); entry.epoch = changes.epoch; changes.took(7); changes.since(7) // the epoch after which changes count
 */
export class WindowChanges {
  /** The epoch changes happen in now. */
  epoch = 1
  /** Checkpoint id → the epoch its snapshot closed. */
  private readonly taken = new Map<number, number>()
  /** Dropped keys, each with its last drop, oldest drop first (a key dropped again moves to the end). */
  private removed = new Map<unknown, { group: KeyGroup; epoch: number }>()

  constructor(private readonly limit: () => number) {}

  /** A snapshot (full or changes) was taken for `checkpointId` now. */
  took(checkpointId: number | undefined): void {
    if (checkpointId !== undefined) {
      this.taken.set(checkpointId, this.epoch)
      if (this.taken.size > REMEMBERED) this.taken.delete(this.taken.keys().next().value!)
      const oldest = Math.min(...this.taken.values())
      for (const [key, r] of this.removed) {
        if (r.epoch > oldest) break
        this.removed.delete(key)
      }
    }
    this.epoch++
  }

  /** The epoch of the snapshot taken for `checkpointId`: what changed after it has a higher one; undefined when not remembered. */
  since(checkpointId: number): number | undefined {
    return this.taken.get(checkpointId)
  }

  /**
   * The step dropped `key` now. Kept only once a snapshot for a checkpoint was taken (changes are
   * asked only since one), and never more than `limit()`: past it, no earlier snapshot can be a
   * base (the next incremental checkpoint is full) — a job without checkpoints keeps nothing.
   */
  dropped(key: unknown, group: KeyGroup): void {
    if (this.taken.size === 0) return
    this.removed.delete(key)
    this.removed.set(key, { group, epoch: this.epoch })
    if (this.removed.size > this.limit()) this.reset()
  }

  /** Keys whose last drop came after epoch `epoch`, by key group, oldest drop first. */
  droppedSince(epoch: number): Map<KeyGroup, unknown[]> {
    const out = new Map<KeyGroup, unknown[]>()
    for (const [key, r] of this.removed) {
      if (r.epoch <= epoch) continue
      let keys = out.get(r.group)
      if (!keys) out.set(r.group, keys = [])
      keys.push(key)
    }
    return out
  }

  /** After a restore: no snapshot of this run to take changes against. */
  reset(): void {
    this.taken.clear()
    this.removed = new Map()
  }
}
