import type { CodecName } from '../../persistence/codec/codec-name.ts'
import { encodeOwnValue, encodeSerialized, serializeSnapshot } from '../../persistence/codec/index.ts'
import { captureHolder, snapshotHolder, snapshotHolderChanges } from '../../persistence/checkpoints/snapshot-holder.ts'
import { finishCapture } from '../../persistence/snapshot-capture.ts'
import type { StateHolder } from '../../persistence/state-holder.ts'
import type { PipelineCheckpoints } from '../../persistence/checkpoints/pipeline-checkpoints.ts'
import type { ManifestHolder } from '../../persistence/checkpoints/manifest.ts'
import { holdersOf, type Instance } from '../host/instance.ts'
import { rangeOf } from '../key-groups/key-group-assignment.ts'
import type { HostEntries } from './checkpoint-participant.ts'
import type { EndedInstance } from './ended-steps.ts'
import { baseKey, type ChainBases } from './chain-bases.ts'

/** One checkpoint on this host: the instances still to snapshot and the blobs being written. */
interface Pending {
  readonly waiting: Set<Instance>
  readonly writes: Promise<ManifestHolder>[]
  /** Instances whose snapshot is their final state after a final end: they ended before the barrier. */
  readonly ended: EndedInstance[]
  settle: (() => void) | undefined
  readonly done: Promise<void>
  /** The chains holders may continue with changes (set by prepare before the barrier; none: all full). */
  bases: ChainBases
  /** The longest an instance stopped at this checkpoint's barrier to snapshot (ms). */
  pauseMs: number
}

/** A holder's snapshot at a barrier: taken now (`value`), or captured and built `later`. */
interface Taken {
  readonly changes: boolean
  readonly value?: unknown
  readonly later?: Promise<unknown>
}

/**
 * Takes this host's snapshots for each checkpoint: where the barrier aligned, an instance's
 * holders are snapshotted and serialized synchronously (a live object cannot leave its thread
 * for less) — or, for holders that capture (copy-on-write), only marked, their snapshot built in
 * slices after the barrier — then compressed, checksummed and written asynchronously while the
 * actor goes on. The longest synchronous part per checkpoint is its `pauseMs`.
 * An instance that finished before its barrier came (its inputs ended) contributes its final
 * state, which is consistent: no barrier can follow an end. When that end was final (input
 * exhausted, not a stop), the instance is reported as ended, so a restore does not run its end
 * again: every instance upstream of it had ended before the barrier too, since an actor ends
 * only once each of its inputs delivered its end, and in band an end comes after all its
 * sender sent. A holder the coordinator gave a base (incremental checkpoints) and that can say
 * what changed since it writes only that, with the chain it applies on top of; any other writes
 * a full snapshot.
 */
export class SnapshotTracker {
  private readonly pending = new Map<number, Pending>()
  private readonly finished = new Set<Instance>()
  private readonly abandoned = new Set<number>()

  constructor(
    private readonly instances: readonly Instance[],
    private readonly checkpoints: PipelineCheckpoints,
    private readonly codec: CodecName,
    private readonly maxKeyGroups: number,
  ) {}

  /** Before the barrier of `checkpointId` is injected: the chains holders may continue (see ChainBases). */
  prepare(checkpointId: number, bases: ChainBases): void {
    if (this.abandoned.has(checkpointId)) return
    this.pendingOf(checkpointId).bases = bases
  }

  /** At the barrier of `checkpointId` (called by the actor): snapshot now, write in the background. */
  take(inst: Instance, checkpointId: number, atEnd = false): void {
    if (this.abandoned.has(checkpointId)) return
    const p = this.pendingOf(checkpointId)
    if (!p.waiting.delete(inst)) return // already taken (finished instance, or a repeated call)
    if (atEnd && (inst.actor ?? inst.source)?.endedFinal) {
      p.ended.push({ steps: inst.vertex.steps.map((s) => s.name), index: inst.index, parallelism: inst.vertex.parallelism })
    }
    const range = rangeOf(inst.index, this.maxKeyGroups, inst.vertex.parallelism)
    const started = performance.now()
    for (const h of holdersOf(inst)) {
      const step = h.stateId.slice(0, h.stateId.indexOf('/'))
      const chain = typeof h.applyChanges === 'function' ? p.bases[baseKey(h.stateId, inst.index, inst.vertex.parallelism)] : undefined
      const taken = this.snapshotOf(h, step, checkpointId, chain?.at(-1)!.checkpointId)
      const incremental = taken.changes ? { snapshot: 'changes' as const, chain: [...chain!] } : { snapshot: 'full' as const }
      const where = { step, stateId: h.stateId }
      const options = { transfer: true, where: `step '${step}' (${h.stateId})` }
      // A captured snapshot is its own: its typed arrays move to the encode pool, serialized there.
      // Any other is serialized now; the bytes are its own, never used again, and move likewise.
      const encoded = taken.later
        ? taken.later.then((value) => encodeOwnValue(value, this.codec, 1, options))
        : encodeSerialized(serializeSnapshot(taken.value, where), this.codec, 1, options)
      p.writes.push(encoded.then(async (encoded) => {
        const blob = await this.checkpoints.writeBlob(checkpointId, h.stateId, range, encoded)
        return {
          stateId: h.stateId, step, type: inst.vertex.steps.find((s) => s.name === step)?.spec.kind ?? 'unknown',
          stateVersion: h.stateVersion, codec: this.codec, rawBytes: encoded.rawBytes, storedBytes: encoded.bytes.byteLength,
          crc32: encoded.crc32, dependsOn: [...(h.dependsOn ?? [])], level: 0, keyGroups: range, blob,
          keyed: h.keyed === true, instance: inst.index, parallelism: inst.vertex.parallelism, ...incremental,
        } satisfies ManifestHolder
      }))
    }
    p.pauseMs = Math.max(p.pauseMs, performance.now() - started)
    if (p.waiting.size === 0) p.settle?.()
  }

  /**
   * A holder's snapshot for `checkpointId`: its changes since checkpoint `since` when given and
   * it can say, else a full one; a holder that captures (copy-on-write) is only marked here and
   * builds it `later`, in slices while the actor goes on; any other snapshots now (serialized
   * before the actor's next record).
   */
  private snapshotOf(h: StateHolder, step: string, checkpointId: number, since: number | undefined): Taken {
    if (typeof h.capture === 'function') {
      const changes = since === undefined ? undefined : captureHolder(h, step, checkpointId, since)
      const capture = changes ?? captureHolder(h, step, checkpointId)
      if (capture !== undefined) return { changes: changes !== undefined, later: finishCapture(capture) }
    }
    const changes = since === undefined ? undefined : snapshotHolderChanges(h, step, since, checkpointId)
    return { changes: changes !== undefined, value: changes ?? snapshotHolder(h, step, undefined, checkpointId) }
  }

  /** An instance ended: it snapshots its final state for every checkpoint it has not reached. */
  instanceFinished(inst: Instance): void {
    this.finished.add(inst)
    for (const [id, p] of this.pending) if (p.waiting.has(inst)) this.take(inst, id, true)
  }

  /** Resolves with this host's manifest entries of `checkpointId` once every instance took it, and the instances that had ended. */
  async entries(checkpointId: number): Promise<HostEntries> {
    const p = this.pendingOf(checkpointId)
    for (const inst of this.finished) if (p.waiting.has(inst)) this.take(inst, checkpointId, true)
    try {
      await p.done
      return { holders: await Promise.all(p.writes), ended: p.ended, pauseMs: p.pauseMs }
    } finally {
      this.pending.delete(checkpointId)
    }
  }

  /** Forgets a checkpoint the coordinator abandoned (timeout): later barriers of it are ignored. */
  abandon(checkpointId: number): void {
    this.abandoned.add(checkpointId)
    this.pending.delete(checkpointId)
  }

  private pendingOf(checkpointId: number): Pending {
    let p = this.pending.get(checkpointId)
    if (!p) {
      let settle: (() => void) | undefined
      const done = new Promise<void>((resolve) => { settle = resolve })
      p = { waiting: new Set(this.instances), writes: [], ended: [], settle, done, bases: {}, pauseMs: 0 }
      this.pending.set(checkpointId, p)
      if (p.waiting.size === 0) settle!()
    }
    return p
  }
}
