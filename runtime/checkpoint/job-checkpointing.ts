import { CheckpointNotFoundError } from '../../persistence/checkpoints/checkpoint-not-found-error.ts'
import { PipelineCheckpoints } from '../../persistence/checkpoints/pipeline-checkpoints.ts'
import type { Host } from '../host/host.ts'
import type { CheckpointResult, CheckpointStats, JobSummary, RestoreReport } from '../contracts/job.ts'
import type { JobEvents } from '../job/job-events.ts'
import { OxiflowError } from '../errors/oxiflow-error.ts'
import type { Plan } from '../plan/plan.ts'
import { CheckpointCoordinator } from './checkpoint-coordinator.ts'
import { CheckpointHistory } from './checkpoint-history.ts'
import { NoRestorableCheckpointError } from '../../persistence/checkpoints/no-restorable-checkpoint-error.ts'
import { chooseCheckpoint, dropReads } from './choose-restore.ts'
import type { CheckpointingOptions } from './checkpoint-options.ts'
import { dataflowEdges } from './dataflow-edges.ts'
import { RunnerLease } from './runner-lease.ts'
import { HolderRegistry } from '../../persistence/registry/holder-registry.ts'
import type { CheckpointParticipant } from './checkpoint-participant.ts'
import { checkKeyGroups, checkRestoredState } from '../../persistence/checkpoints/check-restored-state.ts'
import { isCheckpointAfterStopError } from './checkpoint-after-stop-error.ts'
import { isCheckpointAfterEndError } from './checkpoint-after-end-error.ts'
import type { HolderEntry } from '../../persistence/registry/holder-entry.ts'
import { setTimeout as sleep } from 'node:timers/promises'
import { EndCheckpointError } from './end-checkpoint-error.ts'
import { isLeaseLostError } from './lease-lost-error.ts'
import { isStaleFenceError } from '../../persistence/stores/stale-fence-error.ts'

/** Waits before each attempt at a job's end's checkpoint: a store or broker briefly away gets time to return. */
const END_RETRY_MS = [0, 1_000, 4_000]

/**
 * A job's checkpointing: the runner's lease, the restore before the first record, periodic and
 * on-demand checkpoints, and the final one of a graceful stop. It tells `events` (the run
 * recorder) when the lease is taken, each commit, and the job's outcome before the lease goes.
 *
 * @example
 * const cp = new JobCheckpointing(plan, options, (e) => fail(e), events); await cp.acquire(); await cp.restore(local)
 */
export class JobCheckpointing {
  readonly checkpoints: PipelineCheckpoints
  restored: RestoreReport | undefined
  private lease: RunnerLease | undefined
  private coordinator: CheckpointCoordinator | undefined
  /** An attempt failed: no coordinator means "failed", not "not started". */
  private haltedOnce = false
  private timer: NodeJS.Timeout | undefined
  /** Every attempt's checkpoints: a restart's new coordinator adds to the same history. */
  private readonly history = new CheckpointHistory()

  constructor(private readonly plan: Plan, private readonly options: CheckpointingOptions, private readonly fail: (e: unknown) => void,
    private readonly events?: JobEvents) {
    this.checkpoints = new PipelineCheckpoints(options.store, plan.pipelineId)
  }

  /**
   * Takes the pipeline's lease (LeaseHeldError when another live runner has it). A checkpoint
   * asked for by id that the store lacks is refused before the run goes on record: a mistyped
   * id must not replace the record of the pipeline's last real run with a failed one of 0 records.
   */
  async acquire(): Promise<void> {
    const lease = await RunnerLease.acquire(this.options.store, this.plan.pipelineId, (e) => this.fail(e))
    if (typeof this.options.restore === 'number') {
      try {
        await this.checkpoints.read(this.options.restore)
      } catch (e) {
        // Anything else (a damaged manifest) is the restore's to report, on record.
        if (e instanceof CheckpointNotFoundError) {
          await lease.release()
          throw e
        }
      }
    }
    this.lease = lease
    this.events?.acquired(lease.fence)
  }

  /**
   * Restores the newest valid checkpoint (or the one asked for) into every host's holders,
   * level by level — all hosts' holders of a level at once, each host reading, checking and
   * decoding its own blobs on its own thread — before any record flows.
   */
  async restore(hosts: readonly Host[], asked = this.options.restore): Promise<void> {
    const participants = participantsOf(hosts)
    const holders = await checkDependencies(this.plan, participants)
    this.events?.holders?.(holders)
    // Before its first record a run marks superseded every checkpoint off the line of the one it
    // restored (all, when it starts fresh): their output is not its output, so no fallback for it.
    if (asked === undefined) {
      await this.checkpoints.realign(undefined, this.lease?.fence)
      return
    }
    const started = performance.now()
    const { manifest, skipped, damaged } = await chooseCheckpoint(this.checkpoints, participants, asked)
    const why = skipped.map((s) => `skipped checkpoint ${s.id}: ${s.reason}`).join('; ')
    // Damaged checkpoints and none restorable: starting fresh would drop their state unseen (superseded ones alone: the last run started fresh).
    if (!manifest && damaged > 0) throw new NoRestorableCheckpointError(this.plan.pipelineId, this.options.store.describe(), skipped)
    if (!manifest) {
      await this.checkpoints.realign(undefined, this.lease?.fence)
      this.restored = { checkpointId: undefined, skipped, message: `no valid checkpoint of pipeline '${this.plan.pipelineId}' in ${this.options.store.describe()}: starting fresh${why ? ` (${why})` : ''}` }
      return
    }
    let dropped: ReturnType<typeof checkRestoredState>
    try {
      // Before any holder is restored: a refusal must leave the job's state untouched.
      checkKeyGroups(manifest, this.plan.maxKeyGroups)
      dropped = checkRestoredState(manifest, holders, this.options.allowNonRestoredState === true)
      const levels = Math.max(-1, ...manifest.holders.map((h) => h.level)) + 1
      for (let level = 0; level < levels; level++) await Promise.all(participants.map((p) => p.restoreLevel(manifest, level)))
    } finally {
      await dropReads(participants)
    }
    const dropNote = dropped.length === 0 ? '' : `; dropped state of steps this pipeline lacks (allowNonRestoredState): ${dropped.map((d) => `'${d.stateId}'`).join(', ')}`
    const cuts = manifest.sources.cuts ?? {}
    // Committed checkpoints newer than the restored one: their commits may have published output
    // that a broker sink cannot take back, and the replay need not bring it in the same order.
    const restoredId = manifest.checkpointId
    const newer = asked === 'latest' ? skipped.map((s) => s.id) : (await this.checkpoints.committedIds()).filter((id) => id > restoredId)
    await this.checkpoints.realign(restoredId, this.lease?.fence)
    const rewoundNote = newer.length === 0 ? '' : `; checkpoint ${newer.join(', ')} had committed after it: sinks that cannot take back ` +
      `what they published (sinks.jetstream, sinks.redisStream) publish again what they published from checkpoint ${restoredId} on, ` +
      `its staged output included: at least once up to where ${newer.length === 1 ? 'that one' : 'those'} reached`
    // Instances that had ended before the checkpoint only pass their end on: their end (an Oxi's
    // onEnd, the last windows) ran before it and is in the restored state and output.
    await Promise.all(participants.map((p) => p.startAt(cuts, manifest.ended ?? {}, newer.length > 0)))
    const readNote = this.endedFileSources(manifest.ended ?? {})
    this.restored = { checkpointId: manifest.checkpointId, skipped, message: `restored pipeline '${this.plan.pipelineId}' from checkpoint ${manifest.checkpointId}${why ? ` (${why})` : ''}${dropNote}${rewoundNote}${readNote}`,
      ...(dropped.length > 0 && { dropped }),
      durationMs: performance.now() - started, bytes: sum(manifest.holders.map((h) => h.storedBytes)), rawBytes: sum(manifest.holders.map((h) => h.rawBytes)) }
  }

  /**
   * The restore message's note on file sources that had read their input to the end before the
   * checkpoint (every instance ended): a restore reads nothing more of them — lines appended to
   * the file since included — which a user who appended them would otherwise not learn.
   */
  private endedFileSources(ended: Readonly<Record<string, { readonly parallelism: number; readonly instances: readonly number[] }>>): string {
    const done = this.plan.vertices.flatMap((v) => v.steps).filter((s) => s.spec.kind === 'source' && s.spec.source.file !== undefined &&
      ended[s.name] !== undefined && ended[s.name].instances.length === ended[s.name].parallelism)
    if (done.length === 0) return ''
    const names = done.map((s) => `'${s.name}' (${s.spec.kind === 'source' ? s.spec.source.file : ''})`).join(', ')
    return `; file source ${names} had read ${done.length === 1 ? 'its file' : 'their files'} to the end before it, so this run reads nothing ` +
      'more of them, lines appended since included: start without restore to read a file that grew'
  }

  /** Starts taking checkpoints (every `intervalMs` when set). */
  start(hosts: readonly Host[]): void {
    this.coordinator = new CheckpointCoordinator(this.plan, participantsOf(hosts), this.checkpoints, {
      codec: this.options.codec, timeoutMs: this.options.timeoutMs, retain: this.options.retain, fence: () => this.lease?.fence,
      incremental: this.options.incremental, history: (e) => this.history.add(e), restoredFrom: this.restored?.checkpointId ?? null,
    })
    const every = this.options.intervalMs
    if (every !== undefined) {
      // A periodic checkpoint that fails is counted and reported; the job goes on (the previous one
      // stays), unless the run asked to fail on it. Ticks while one is in flight leave one due, taken
      // as soon as it ends (Flink's one concurrent checkpoint): queued, checkpoints slower than the
      // interval piled up without bound and a stop's final checkpoint waited behind them all;
      // dropped, a slow store got one checkpoint per two intervals at best.
      let inFlight = false
      let due = false
      const take = (): void => {
        if (inFlight) { due = true; return }
        inFlight = true
        due = false
        this.checkpoint().catch((e) => { if (this.options.onFailure === 'fail' && !isCheckpointAfterStopError(e) && !isCheckpointAfterEndError(e)) this.fail(e) }).finally(() => {
          inFlight = false
          // Not once periodic checkpoints were stopped (quiesce, halt, close clear the timer).
          if (due && this.timer !== undefined) take()
        })
      }
      this.timer = setInterval(take, every)
      this.timer.unref()
    }
  }

  /** The checkpoint in progress in words, undefined when none (see CheckpointCoordinator.inProgress). */
  inProgress(): string | undefined {
    return this.coordinator?.inProgress()
  }

  checkpoint(stopAfter = false, full = false, last = false): Promise<CheckpointResult> {
    if (!this.coordinator) {
      return Promise.reject(new OxiflowError('ERR_NOT_RUNNING', this.haltedOnce
        ? `pipeline '${this.plan.pipelineId}' failed and is not running (a restart, if its policy allows one, restores the last committed checkpoint); ` +
          "checkpoint again once job.metrics().status is 'running'"
        : `pipeline '${this.plan.pipelineId}' is not running yet; checkpoint once job.metrics().status is 'running'`))
    }
    // The stop's checkpoint is the last: no periodic one after it (the coordinator refuses them).
    if (stopAfter || last) {
      clearInterval(this.timer)
      this.timer = undefined
    }
    const committed = this.coordinator.checkpoint(stopAfter, full, last)
    const events = this.events
    if (events) void committed.then((result) => events.committed(result), () => undefined)
    return committed
  }

  /**
   * After the input was exhausted and every step ended: one last checkpoint of the instances'
   * final state, each reported as ended (Flink's final checkpoint). A job restored from it has
   * nothing left to read, fire or publish, so running a completed job again with `restore:
   * 'latest'` adds nothing, also when it completed before its first periodic checkpoint. It is a
   * full one (no chain; a stop's may write changes, as a periodic one). Its commit publishes what transactional sinks staged since
   * the last periodic one, so the job cannot complete without it: a failure is counted, the
   * checkpoint is taken again after END_RETRY_MS (not after a broker's refusal, which stays), and when no attempt commits the job fails with
   * EndCheckpointError (restartable: a restart restores the last committed checkpoint) — except
   * when the runner lost the pipeline's lease (a fenced write): that error fails the job at once.
   */
  async completed(): Promise<void> {
    let error: unknown
    let attempts = 0
    for (const wait of END_RETRY_MS) {
      if (wait > 0) await sleep(wait)
      try {
        await this.checkpoint(false, true, true)
        return
      } catch (e) {
        // Another runner holds the pipeline now: no retry, and no restart.
        if (isStaleFenceError(e) || isLeaseLostError(e)) throw e
        error = e
        attempts++
        // A broker's refusal (a sink's key of another type) is the same answer on every attempt.
        if ((e as { code?: unknown } | undefined)?.code === 'ERR_BROKER_REFUSED') break
      }
    }
    throw new EndCheckpointError(this.plan.pipelineId, attempts, this.stats().last?.id ?? this.restored?.checkpointId, error)
  }

  stats(): CheckpointStats {
    const c = this.coordinator
    const before = this.beforeRestart
    const e = c?.lastError ?? before.lastError
    return { completed: (c?.completed ?? 0) + before.completed, abandoned: (c?.abandoned ?? 0) + before.abandoned,
      failed: (c?.failed ?? 0) + before.failed, last: c?.last ?? before.last,
      lastError: e === undefined ? undefined : e instanceof Error ? e.message : String(e), recent: this.history.recent }
  }

  /** The figures of coordinators of earlier attempts (a restarted job's totals include them). */
  private beforeRestart: { completed: number; abandoned: number; failed: number; last: CheckpointResult | undefined; lastError: unknown } =
    { completed: 0, abandoned: 0, failed: 0, last: undefined, lastError: undefined }

  /** No new periodic checkpoint; settles once the one in progress (if any) finished. */
  async quiesce(): Promise<void> {
    clearInterval(this.timer)
    this.timer = undefined
    await this.coordinator?.idle()
  }

  /**
   * After a failed attempt, before the job restarts on new hosts: no periodic checkpoint, and
   * the coordinator of the failed hosts commits nothing more (its checkpoint in flight, if any,
   * is dropped; the restart restores the last committed one).
   */
  async halt(): Promise<void> {
    clearInterval(this.timer)
    this.timer = undefined
    const c = this.coordinator
    if (c) {
      c.halt()
      const b = this.beforeRestart
      this.beforeRestart = { completed: b.completed + c.completed, abandoned: b.abandoned + c.abandoned, failed: b.failed + c.failed,
        last: c.last ?? b.last, lastError: c.lastError ?? b.lastError }
    }
    this.coordinator = undefined
    this.haltedOnce = true
  }

  /** Stops periodic checkpoints, reports the job's outcome (events.ended) and releases the lease. */
  async close(summary?: JobSummary, error?: unknown): Promise<void> {
    clearInterval(this.timer)
    await this.events?.ended(summary, error).catch(() => undefined)
    await this.lease?.release()
  }
}

/**
 * Builds the job's holder registry from every host's holders before anything runs, so a
 * dependency cycle (or a `dependsOn` naming no holder) is refused at start with the cycle
 * listed, not at the first checkpoint. Returns the entries (the restore matches them with the
 * checkpoint's states).
 */
async function checkDependencies(plan: Plan, participants: readonly CheckpointParticipant[]): Promise<HolderEntry[]> {
  const entries = (await Promise.all(participants.map((p) => p.holders()))).flat()
  new HolderRegistry(entries, dataflowEdges(plan))
  return entries
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0)
}

function participantsOf(hosts: readonly Host[]): CheckpointParticipant[] {
  return hosts.map((h) => {
    if (!h.checkpoints) throw new Error('a host of a job with checkpoints has no checkpoint side (opened without a store?)')
    return h.checkpoints
  })
}
