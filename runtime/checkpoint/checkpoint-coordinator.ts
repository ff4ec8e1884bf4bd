import type { CodecName } from '../../persistence/codec/codec-name.ts'
import type { PipelineCheckpoints } from '../../persistence/checkpoints/pipeline-checkpoints.ts'
import type { Manifest, ManifestHolder } from '../../persistence/checkpoints/manifest.ts'
import { HolderRegistry } from '../../persistence/registry/holder-registry.ts'
import type { CheckpointEvent, CheckpointResult } from '../contracts/job.ts'
import type { FenceToken } from '../../persistence/stores/state-store.ts'
import { CheckpointTimeoutError } from './checkpoint-timeout-error.ts'
import { CheckpointAfterStopError } from './checkpoint-after-stop-error.ts'
import { CheckpointAfterEndError } from './checkpoint-after-end-error.ts'
import { OxiflowError } from '../errors/oxiflow-error.ts'
import type { Plan } from '../plan/plan.ts'
import { faultPoint } from './fault-point.ts'
import type { CheckpointParticipant } from './checkpoint-participant.ts'
import { endedSteps } from './ended-steps.ts'
import { dataflowEdges } from './dataflow-edges.ts'
import { chainBases } from './chain-bases.ts'
import type { IncrementalSettings } from './checkpoint-options.ts'

export interface CheckpointSettings {
  readonly codec: CodecName
  readonly timeoutMs: number
  /** Committed checkpoints kept (older ones are deleted once a newer one committed). */
  readonly retain: number
  /** The runner's lease token, carried by every write so a runner that lost its lease cannot commit. */
  readonly fence: () => FenceToken | undefined
  /** Incremental checkpoints: when a holder writes a full snapshot again; undefined: always full. */
  readonly incremental?: IncrementalSettings | undefined
  /** Told of every checkpoint's outcome (the job's history, kept across coordinators). */
  readonly history?: (event: CheckpointEvent) => void
  /** The checkpoint this attempt restored (null: it started fresh): the `previous` of its first checkpoint. */
  readonly restoredFrom: number | null
}

/**
 * Takes checkpoints with aligned barriers (Chandy–Lamport, as Flink): pauses every source
 * instance at a read boundary, cuts each source's shared sequence at the highest next read,
 * resumes them with barrier n at that cut, waits for every instance's snapshot, then writes the
 * manifest — the single commit point — and lets sinks commit. One checkpoint at a time.
 * Incremental: before each barrier every host learns which holder instances may write changes
 * on top of the chain of the last checkpoint this coordinator committed (chainBases); a new
 * coordinator (a restart, a restore) starts with full snapshots.
 *
 * @example
 * const result = await coordinator.checkpoint()
 */
export class CheckpointCoordinator {
  completed = 0
  abandoned = 0
  failed = 0
  last: CheckpointResult | undefined
  lastError: unknown
  private queue: Promise<unknown> = Promise.resolve()
  private lastId = 0
  /** The last checkpoint this coordinator committed: the base of the next one's changes. */
  private committed: Manifest | undefined
  private halted = false
  /** A stop's checkpoint was asked for: it is the last. */
  private stopping = false
  /** The checkpoint of the job's end was asked for: it is the last (the hosts close after it). */
  private ending = false
  private onHalt: (() => void) | undefined
  /** The checkpoint being taken and what it does now (for a stop that waits behind it). */
  private current: { id: number; since: number; doing: string; stop: boolean } | undefined

  constructor(
    private readonly plan: Plan,
    private readonly participants: readonly CheckpointParticipant[],
    private readonly checkpoints: PipelineCheckpoints,
    private readonly settings: CheckpointSettings,
  ) {}

  /**
   * Settles once no checkpoint is in progress or queued (their outcome is in the figures), also
   * those asked for while it waited: the job reads its last checkpoint after this, and one that
   * committed later would be newer than what its summary says.
   */
  async idle(): Promise<void> {
    for (let seen: Promise<unknown> | undefined; seen !== this.queue;) {
      seen = this.queue
      await seen
    }
  }

  /** The checkpoint in progress in words ('checkpoint 3 (the stop's), for 4.2 s: writing its manifest'), undefined when none. */
  inProgress(now = performance.now()): string | undefined {
    const c = this.current
    return c && `checkpoint ${c.id}${c.stop ? " (the stop's final one)" : ', which checkpoints asked for later wait behind,'} for ${((now - c.since) / 1000).toFixed(1)} s: ${c.doing}`
  }

  /**
   * The hosts failed: nothing more is committed, and a checkpoint waiting for snapshots fails now
   * (an actor that died at its barrier sends none: `job.checkpoint()` would hang until the timeout).
   */
  halt(): void {
    this.halted = true
    this.onHalt?.()
  }

  /**
   * Takes a checkpoint after the ones already asked for. `stopAfter`: sources end right after its
   * barrier, and it is the last: any checkpoint asked for later rejects (CheckpointAfterStopError).
   * `full`: no holder writes changes (a completed job's last checkpoint restores from one blob per
   * holder and reads offline as it is). `last`: the checkpoint of the job's end, after every step
   * ended — any asked for later rejects (CheckpointAfterEndError): the hosts close after it, and a
   * call to a closed host would never be answered.
   */
  checkpoint(stopAfter = false, full = false, last = false): Promise<CheckpointResult> {
    // After a stop's checkpoint sources have ended where they stopped, not at one cut: a later
    // checkpoint's cut (the highest split's next read) would skip what the others never read.
    if (this.stopping) return Promise.reject(new CheckpointAfterStopError(this.plan.pipelineId))
    // Another `last` one is the job retrying its end's checkpoint after that one failed.
    if (this.ending && !last) return Promise.reject(new CheckpointAfterEndError(this.plan.pipelineId))
    if (stopAfter) this.stopping = true
    if (last) this.ending = true
    const next = this.queue.then(() => this.take(stopAfter, full, last))
    this.queue = next.catch(() => {})
    return next
  }

  private async take(stopAfter: boolean, full: boolean, last: boolean): Promise<CheckpointResult> {
    const started = performance.now()
    const at = Date.now()
    let id = this.lastId + 1
    try {
      // Inside the try: a store that cannot be read (down) is a failed checkpoint, counted as such.
      this.current = { id, since: started, doing: 'reading the store for its id', stop: stopAfter }
      id = Math.max(await this.checkpoints.nextId(), this.lastId + 1)
      this.current = { id, since: started, doing: 'pausing the sources', stop: stopAfter }
      this.lastId = id
      const barrier = { checkpointId: id, timestamp: Date.now() }
      // Prepared before any barrier is injected: a barrier reaches a host's actors through data
      // channels, which do not keep order with its control port.
      const bases = chainBases(full ? undefined : this.committed, this.settings.incremental)
      const [pausesOf] = await Promise.all([Promise.all(this.participants.map((p) => p.pauseSources())),
        Promise.all(this.participants.map((p) => p.prepare(id, bases)))])
      const pauses = pausesOf.flat()
      const cuts: Record<number, number> = {}
      for (const p of pauses) cuts[p.vertex] = Math.max(cuts[p.vertex] ?? 0, p.nextSeq)
      const entries = Promise.all(this.participants.map((p) => p.entries(id)))
      entries.catch(() => {}) // awaited below; a failure while injecting must not leave it unhandled
      const injected = performance.now()
      this.current!.doing = 'waiting for every step to reach its barrier and write its state (steps ahead of the barrier handle the records already in their channels)'
      await Promise.all(this.participants.map((p) => p.injectBarrier(barrier, cuts, stopAfter)))
      const parts = await this.withTimeout(entries, id)
      const holders = parts.flatMap((p) => p.holders)
      const ended = endedSteps(parts.flatMap((p) => p.ended))
      const alignmentMs = performance.now() - injected
      const pauseMs = Math.max(0, ...parts.map((p) => p.pauseMs ?? 0))
      this.assignLevels(holders)
      if (this.halted) throw new OxiflowError('ERR_CHECKPOINT_HALTED', `pipeline '${this.plan.pipelineId}': checkpoint ${id} dropped: the job failed while it was taken`)
      faultPoint('before-manifest', id, last)
      this.current!.doing = 'writing its manifest'
      this.committed = await this.checkpoints.commit({
        format: 1, pipelineId: this.plan.pipelineId, checkpointId: id, time: barrier.timestamp, nodeVersion: process.version,
        codec: this.settings.codec, sources: { cuts }, holders, ended, previous: this.committed?.checkpointId ?? this.settings.restoredFrom,
        maxKeyGroups: this.plan.maxKeyGroups,
      }, this.settings.fence())
      faultPoint('after-manifest', id, last)
      this.current!.doing = 'committing what the sinks staged'
      for (const p of this.participants) await p.commit(id, last)
      faultPoint('after-commit', id, last)
      this.current!.doing = 'deleting checkpoints past retain'
      await this.checkpoints.retain(this.settings.retain)
      const result = summarize(id, holders, performance.now() - started, alignmentMs, pauseMs)
      this.completed++
      this.last = result
      this.settings.history?.({ id, status: 'completed', at, durationMs: result.durationMs, alignmentMs, pauseMs, bytes: result.bytes,
        rawBytes: result.rawBytes, incremental: result.incremental })
      return result
    } catch (e) {
      const abandoned = e instanceof CheckpointTimeoutError
      if (abandoned) this.abandoned++
      else this.failed++
      this.lastError = e
      this.settings.history?.({ id, status: abandoned ? 'abandoned' : 'failed', at, durationMs: performance.now() - started,
        error: e instanceof Error ? e.message : String(e) })
      throw e
    } finally {
      this.current = undefined
    }
  }

  private withTimeout<T>(work: Promise<T>, id: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        for (const p of this.participants) void Promise.resolve(p.abandon(id)).catch(() => {})
        reject(new CheckpointTimeoutError(this.plan.pipelineId, id, this.settings.timeoutMs))
      }, this.settings.timeoutMs)
      timer.unref()
    })
    const halted = new Promise<never>((_, reject) => {
      this.onHalt = () => reject(new OxiflowError('ERR_CHECKPOINT_HALTED', `pipeline '${this.plan.pipelineId}': checkpoint ${id} dropped: the job failed while it was taken`))
    })
    if (this.halted) this.onHalt?.()
    return Promise.race([work, timeout, halted]).finally(() => { clearTimeout(timer); this.onHalt = undefined })
  }

  /** Restore levels: declared dependencies plus dataflow (a step's state after its inputs'). */
  private assignLevels(holders: ManifestHolder[]): void {
    const registry = new HolderRegistry(holders, dataflowEdges(this.plan))
    for (const h of holders) h.level = registry.level(h.stateId) ?? 0
  }
}

function summarize(id: number, holders: readonly ManifestHolder[], durationMs: number, alignmentMs: number, pauseMs: number): CheckpointResult {
  const steps: Record<string, { bytes: number; rawBytes: number }> = {}
  let bytes = 0
  let rawBytes = 0
  for (const h of holders) {
    const s = steps[h.step] ??= { bytes: 0, rawBytes: 0 }
    s.bytes += h.storedBytes
    s.rawBytes += h.rawBytes
    bytes += h.storedBytes
    rawBytes += h.rawBytes
  }
  // A holder that wrote changes on top of an earlier checkpoint's blobs makes the checkpoint incremental.
  return { id, bytes, rawBytes, durationMs, alignmentMs, pauseMs, incremental: holders.some((h) => h.snapshot === 'changes'), steps }
}
