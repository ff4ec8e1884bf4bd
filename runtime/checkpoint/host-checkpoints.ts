import type { CodecName } from '../../persistence/codec/codec-name.ts'
import type { PipelineCheckpoints } from '../../persistence/checkpoints/pipeline-checkpoints.ts'
import { checkStateVersion } from '../../persistence/checkpoints/check-state-version.ts'
import type { EndedStep, Manifest, ManifestHolder } from '../../persistence/checkpoints/manifest.ts'
import { readChainState } from '../../persistence/checkpoints/read-chain-state.ts'
import { readRestorableState } from '../../persistence/checkpoints/read-restorable-state.ts'
import type { BlobProblem } from '../../persistence/checkpoints/checkpoint-reports.ts'
import { restoreHolder } from '../../persistence/checkpoints/restore-holder.ts'
import { StateRestoreError } from '../../persistence/checkpoints/state-restore-error.ts'
import type { HolderEntry } from '../../persistence/registry/holder-entry.ts'
import type { KeyGroup, StateHolder } from '../../persistence/state-holder.ts'
import { checkedHoldersOf, holdersOf, type Instance } from '../host/instance.ts'
import { InvalidOptionError } from '../errors/invalid-option-error.ts'
import { rangeOf } from '../key-groups/key-group-assignment.ts'
import { contains } from '../../persistence/key-group-range.ts'
import type { CheckpointBarrier } from '../messages.ts'
import type { CheckpointParticipant, HostEntries, SourcePause } from './checkpoint-participant.ts'
import { endedBefore } from './ended-steps.ts'
import { faultPoint } from './fault-point.ts'
import { holderEntryOf } from './holder-entry-of.ts'
import { SnapshotTracker } from './snapshot-tracker.ts'
import type { ChainBases } from './chain-bases.ts'

export type { SourcePause } from './checkpoint-participant.ts'

/**
 * The checkpoint side of one host (this thread or a worker): pauses and resumes its source
 * instances around a barrier, collects its instances' snapshots, lets its sinks commit, and
 * restores its holders from a manifest level by level.
 */
export class HostCheckpoints implements CheckpointParticipant {
  private readonly tracker: SnapshotTracker
  /** States readForRestore read, by readKey, until restoreLevel takes them. */
  private readonly readAhead = new Map<string, unknown>()

  constructor(
    private readonly instances: readonly Instance[],
    private readonly checkpoints: PipelineCheckpoints,
    codec: CodecName,
    private readonly maxKeyGroups: number,
    private readonly startSourcesAt: (cuts: Readonly<Record<number, number>>) => void,
  ) {
    this.tracker = new SnapshotTracker(instances, checkpoints, codec, maxKeyGroups)
  }

  /** The actor of `inst` aligned the barrier (synchronous: snapshot now, write later). */
  aligned(inst: Instance, barrier: CheckpointBarrier): void {
    this.tracker.take(inst, barrier.checkpointId)
  }

  finished(inst: Instance): void {
    this.tracker.instanceFinished(inst)
  }

  prepare(checkpointId: number, bases: ChainBases): void {
    this.tracker.prepare(checkpointId, bases)
  }

  pauseSources(): Promise<SourcePause[]> {
    return Promise.all(this.instances.filter((i) => i.source).map(async (i) => ({ vertex: i.vertex.id, index: i.index, nextSeq: await i.source!.pause() })))
  }

  injectBarrier(barrier: CheckpointBarrier, cuts: Readonly<Record<number, number>>, stopAfter: boolean): void {
    for (const i of this.instances) i.source?.resumeWith(barrier, cuts[i.vertex.id] ?? 0, stopAfter)
  }

  entries(checkpointId: number): Promise<HostEntries> {
    return this.tracker.entries(checkpointId)
  }

  abandon(checkpointId: number): void {
    this.tracker.abandon(checkpointId)
  }

  /**
   * The manifest of `checkpointId` is written: every sink here may publish what it staged, then
   * every source reader may acknowledge its position. `last`: the job's end checkpoint (its fault
   * points answer to `<point>:end`).
   */
  async commit(checkpointId: number, last = false): Promise<void> {
    let first = true
    for (const inst of this.instances) {
      for (const op of inst.operators) {
        if (!op.commit) continue
        // Between two sinks' commits: one has published, the other not yet.
        if (!first) faultPoint('before-commit', checkpointId, last)
        first = false
        await op.commit(checkpointId)
      }
    }
    // Then the sources: what they acknowledge upstream is covered by the committed checkpoint.
    for (const inst of this.instances) await inst.reader?.commit?.(checkpointId)
  }

  /** The job's registration of its holders, at start: each checked (InvalidHolderError) before any record flows. */
  holders(): HolderEntry[] {
    return this.instances.flatMap((inst) => checkedHoldersOf(inst).map((h) => holderEntryOf(h, rangeOf(inst.index, this.maxKeyGroups, inst.vertex.parallelism))))
  }

  /**
   * After a restore: instances that had ended only pass their end on; the others continue at their
   * source's cut. `rewound`: a committed checkpoint newer than the restored one exists (sinks are told).
   */
  startAt(cuts: Readonly<Record<number, number>>, ended: Readonly<Record<string, EndedStep>>, rewound: boolean): void {
    if (rewound) for (const inst of this.instances) for (const op of inst.operators) op.rewound?.()
    for (const inst of this.instances) {
      if (!endedBefore(ended, inst.vertex, inst.index)) continue
      inst.source?.restoreEnded()
      inst.actor?.restoreEnded()
    }
    this.startSourcesAt(cuts)
  }

  /**
   * Before any holder is restored: reads, checks and decodes every blob this host's holders
   * would restore from `manifest` (all levels, chains folded), on this host's thread, and keeps
   * the states for restoreLevel. Returns what is wrong with the blobs (none: the restore may go
   * on; otherwise nothing is kept). Touches no holder. Each blob is read and decoded once per
   * instance that restores from it, here, where it is used: the main thread no longer
   * decompresses every blob first.
   */
  async readForRestore(manifest: Manifest): Promise<BlobProblem[]> {
    this.readAhead.clear()
    const reads: Array<Promise<BlobProblem[]>> = []
    for (const inst of this.instances) {
      for (const h of holdersOf(inst)) {
        const plan = this.plan(inst, h, manifest.holders.filter((m) => m.stateId === h.stateId))
        for (const entry of plan?.reads ?? []) {
          reads.push(readRestorableState(this.checkpoints.store, manifest, entry, h).then((r) => {
            if ('problems' in r) return r.problems
            this.readAhead.set(readKey(inst, entry), r.state)
            return []
          }))
        }
      }
    }
    const problems = (await Promise.all(reads)).flat()
    if (problems.length > 0) this.readAhead.clear()
    return problems
  }

  /** Drops the states readForRestore kept (the restore chose another checkpoint, or is done). */
  dropRestoreReads(): void {
    this.readAhead.clear()
  }

  /**
   * Restores the holders of restore level `level` (all of a level at once: their reads and
   * decompression overlap, when readForRestore did not read them already). Same parallelism:
   * each instance takes its own blob. Another parallelism: a keyed holder takes the key groups
   * it now owns from every old instance's blob; an unkeyed one with `rescale` (a source
   * position) gets its state from all old snapshots; other state cannot be split and is
   * refused. An incremental snapshot is read as its whole chain and folded with the holder's
   * applyChanges first, each old instance's on its own before its key groups are split.
   */
  async restoreLevel(manifest: Manifest, level: number): Promise<void> {
    const work: Promise<void>[] = []
    for (const inst of this.instances) {
      for (const h of holdersOf(inst)) {
        const entries = manifest.holders.filter((m) => m.stateId === h.stateId && m.level === level)
        if (entries.length === 0) continue
        // Throws for another major (or a newer minor); a lower minor is migrated by the holder's restore.
        checkStateVersion(entries[0].step, h.stateId, entries[0].stateVersion, h.stateVersion)
        const plan = this.plan(inst, h, entries)
        if (plan === undefined) {
          throw new InvalidOptionError('restore', `checkpoint ${manifest.checkpointId}: state '${h.stateId}' was taken with ` +
            `${entries[0].parallelism} instances and this job runs ${inst.vertex.parallelism}; ` +
            'only keyed state (and source positions) move between instances — run with the parallelism (workers) it was taken with')
        }
        if (plan.how === 'own' && plan.reads.length === 0) continue
        const states = Promise.all(plan.reads.map((m) => this.read(manifest, inst, m, h)))
        if (plan.how === 'own') {
          work.push(states.then(([state]) => restoreHolder(h, plan.reads[0]!.step, state, plan.reads[0]!.stateVersion, from(manifest))))
        } else if (plan.how === 'key groups') {
          work.push(states.then((parts) => this.restoreKeyGroups(manifest, inst, h, entries, plan.reads, parts)))
        } else {
          const rescale = h.rescale!.bind(h)
          work.push(states.then((parts) => restoreHolder(h, entries[0].step, rescale(parts, entries[0].parallelism ?? parts.length), entries[0].stateVersion, from(manifest))))
        }
      }
    }
    await Promise.all(work)
  }

  /**
   * Which of `entries` (one state's, of one or all levels) instance `inst` reads to restore
   * holder `h`, and how it restores from them; undefined when it cannot (state taken with
   * another parallelism that does not move between instances: restoreLevel refuses it).
   */
  private plan(inst: Instance, h: StateHolder, entries: ManifestHolder[]): { how: 'own' | 'key groups' | 'rescale'; reads: ManifestHolder[] } | undefined {
    if (entries.length === 0) return { how: 'own', reads: [] }
    if (entries[0].parallelism === inst.vertex.parallelism) {
      const own = entries.find((m) => m.instance === inst.index)
      return { how: 'own', reads: own ? [own] : [] }
    }
    if (h.keyed) {
      const mine = rangeOf(inst.index, this.maxKeyGroups, inst.vertex.parallelism)
      return { how: 'key groups', reads: entries.filter((m) => m.keyGroups && m.keyGroups.start <= mine.end && m.keyGroups.end >= mine.start) }
    }
    if (h.rescale) return { how: 'rescale', reads: [...entries].sort((a, b) => (a.instance ?? 0) - (b.instance ?? 0)) }
    return undefined
  }

  /** A keyed holder takes the key groups its instance owns now, from every old blob that has some (`parts`, read from `reads`, of the state's `entries`). */
  private restoreKeyGroups(manifest: Manifest, inst: Instance, h: StateHolder, entries: ManifestHolder[], reads: ManifestHolder[], parts: unknown[]): void {
    const mine = rangeOf(inst.index, this.maxKeyGroups, inst.vertex.parallelism)
    const merged = new Map<KeyGroup, unknown>()
    for (const [i, part] of parts.entries()) {
      if (!(part instanceof Map)) {
        // As a restore on the same parallelism refuses it (the holder's own check): a broken writer or an edited export.
        throw new StateRestoreError(entries[0].step, h.stateId, from(manifest), new TypeError(`the snapshot of instance ${reads[i]?.instance ?? '?'} ` +
          `(key groups ${reads[i]?.keyGroups?.start ?? '?'}–${reads[i]?.keyGroups?.end ?? '?'}) is a ${part === null ? 'null' : typeof part}, not a Map of key groups; ` +
          'it cannot be split between instances — restore an older checkpoint, or with the parallelism it was taken with'))
      }
      for (const [g, s] of part as Map<KeyGroup, unknown>) if (contains(mine, g)) merged.set(g, s)
    }
    restoreHolder(h, entries[0].step, merged, entries[0].stateVersion, from(manifest))
  }

  /** The state `inst` restores from `entry`: the one readForRestore read (taken: used once), else read now. */
  private read(manifest: Manifest, inst: Instance, entry: ManifestHolder, holder: StateHolder): Promise<unknown> | unknown {
    const key = readKey(inst, entry)
    if (this.readAhead.has(key)) {
      const state = this.readAhead.get(key)
      this.readAhead.delete(key)
      return state
    }
    return readChainState(this.checkpoints.store, manifest, entry, holder)
  }
}

/** An instance's read of one manifest entry (instances of one host may read the same old blob: each decodes its own copy). */
function readKey(inst: Instance, entry: ManifestHolder): string {
  return `${inst.vertex.id}/${inst.index} ${entry.blob}`
}

/** Where restored state comes from, for StateRestoreError. */
function from(manifest: Manifest): string {
  return `checkpoint ${manifest.checkpointId} of pipeline '${manifest.pipelineId}'`
}
