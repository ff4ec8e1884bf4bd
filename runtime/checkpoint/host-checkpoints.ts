import type { CodecName } from '../../persistence/codec/codec-name.ts'
import type { CheckpointStore } from '../../persistence/checkpoints/checkpoint-store.ts'
import { checkStateVersion } from '../../persistence/checkpoints/check-state-version.ts'
import type { Manifest, ManifestHolder } from '../../persistence/checkpoints/manifest.ts'
import { readHolderState } from '../../persistence/checkpoints/read-holder-state.ts'
import type { KeyGroup } from '../../persistence/state-holder.ts'
import type { Instance } from '../deployment.ts'
import { InvalidOptionError } from '../errors/invalid-option-error.ts'
import { holdersOf } from '../job-snapshot.ts'
import { rangeOf } from '../key-groups/key-group-assignment.ts'
import { contains } from '../key-groups/key-group-range.ts'
import type { CheckpointBarrier } from '../messages.ts'
import { faultPoint } from './fault-point.ts'
import { SnapshotTracker } from './snapshot-tracker.ts'

/** Where a paused source instance stands: the number of its next read (undefined: it ended). */
export interface SourcePause {
  readonly vertex: number
  readonly index: number
  readonly nextSeq: number | undefined
}

/**
 * The checkpoint side of one host: pauses and resumes its source instances around a barrier,
 * collects its instances' snapshots, lets its sinks commit, and restores its holders from a
 * manifest level by level.
 */
export class HostCheckpoints {
  private readonly tracker: SnapshotTracker

  constructor(
    private readonly instances: readonly Instance[],
    private readonly store: CheckpointStore,
    codec: CodecName,
    private readonly maxKeyGroups: number,
  ) {
    this.tracker = new SnapshotTracker(instances, store, codec, maxKeyGroups)
  }

  /** The actor of `inst` aligned the barrier (synchronous: snapshot now, write later). */
  aligned(inst: Instance, barrier: CheckpointBarrier): void {
    this.tracker.take(inst, barrier.checkpointId)
  }

  finished(inst: Instance): void {
    this.tracker.instanceFinished(inst)
  }

  pauseSources(): Promise<SourcePause[]> {
    return Promise.all(this.instances.filter((i) => i.source).map(async (i) => ({ vertex: i.vertex.id, index: i.index, nextSeq: await i.source!.pause() })))
  }

  injectBarrier(barrier: CheckpointBarrier, cuts: Readonly<Record<number, number>>, stopAfter: boolean): void {
    for (const i of this.instances) i.source?.resumeWith(barrier, cuts[i.vertex.id] ?? 0, stopAfter)
  }

  entries(checkpointId: number): Promise<ManifestHolder[]> {
    return this.tracker.entries(checkpointId)
  }

  abandon(checkpointId: number): void {
    this.tracker.abandon(checkpointId)
  }

  /** The manifest of `checkpointId` is written: every sink here may publish what it staged. */
  async commit(checkpointId: number): Promise<void> {
    let first = true
    for (const inst of this.instances) {
      for (const op of inst.operators) {
        if (!op.commit) continue
        // Between two sinks' commits: one has published, the other not yet.
        if (!first) faultPoint('before-commit', checkpointId)
        first = false
        await op.commit(checkpointId)
      }
    }
  }

  /**
   * Restores the holders of restore level `level` (all of a level at once: their reads and
   * decompression overlap). Same parallelism: each instance takes its own blob. Another
   * parallelism: a keyed holder takes the key groups it now owns from every old instance's
   * blob; other state cannot be split and is refused.
   */
  async restoreLevel(manifest: Manifest, level: number): Promise<void> {
    const work: Promise<void>[] = []
    for (const inst of this.instances) {
      for (const h of holdersOf(inst)) {
        const entries = manifest.holders.filter((m) => m.stateId === h.stateId && m.level === level)
        if (entries.length === 0) continue
        // Throws for another major (or a newer minor); a lower minor is migrated by the holder's restore.
        checkStateVersion(entries[0].step, h.stateId, entries[0].stateVersion, h.stateVersion)
        const sameShape = (entries[0] as { parallelism?: number }).parallelism === inst.vertex.parallelism
        if (sameShape) {
          const own = entries.find((m) => (m as { instance?: number }).instance === inst.index)
          if (own) work.push(this.read(manifest, own).then((state) => h.restore(state, own.stateVersion)))
          continue
        }
        if (!h.keyed) {
          throw new InvalidOptionError('restore', `checkpoint ${manifest.checkpointId}: state '${h.stateId}' was taken with ` +
            `${(entries[0] as { parallelism?: number }).parallelism} instances and this job runs ${inst.vertex.parallelism}; ` +
            'only keyed state moves between instances — run with the parallelism it was taken with')
        }
        const mine = rangeOf(inst.index, this.maxKeyGroups, inst.vertex.parallelism)
        const overlapping = entries.filter((m) => m.keyGroups && m.keyGroups.start <= mine.end && m.keyGroups.end >= mine.start)
        work.push(Promise.all(overlapping.map((m) => this.read(manifest, m))).then((parts) => {
          const merged = new Map<KeyGroup, unknown>()
          for (const part of parts) {
            for (const [g, s] of part as Map<KeyGroup, unknown>) if (contains(mine, g)) merged.set(g, s)
          }
          h.restore(merged, entries[0].stateVersion)
        }))
      }
    }
    await Promise.all(work)
  }

  private read(manifest: Manifest, holder: ManifestHolder): Promise<unknown> {
    return readHolderState(this.store.store, manifest, holder)
  }
}
