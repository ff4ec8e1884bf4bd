import { StallError } from './stall-error.ts'
import type { StallState } from '../contracts/job.ts'
import type { InstanceStats } from '../host/host.ts'
import type { Plan } from '../plan/plan.ts'
import { describeWaits, progressOf, recordsMovedOf, stallWaits } from './stall-report.ts'

/**
 * Watches a running job for stalls: samples every instance's figures (`sample`) a few times per
 * timeout, and when messages are queued somewhere but the progress signature (see `progressOf`)
 * has not moved for `timeoutMs`, reports which steps, channels, credits or barriers hold the
 * work (`onStall`, once per stall). A source sending a batch it read is work too, though no
 * mailbox holds it: the steps fused into the source's chain (a `mapAsync`, a sink inline) run
 * inside that send, so a handler there that never settles queues nothing anywhere. A read of a
 * bounded source (a file, an iterable) that has not returned while nothing progressed is one
 * too: its input exists, so such a read hangs (a FIFO with no writer, a stuck async iterable).
 * A host that does not answer a sample in time keeps its last figures and blocks the verdict: a
 * busy thread is not proof of a stall. So is a bounded source whose reads return but come back
 * empty (its input stopped yielding: a JetStream stream deleted under it): those reads move the
 * signature, so once such a source was seen reading, the stall is timed from the last record
 * moved (`recordsMovedOf`). An unbounded source waiting for input with nothing queued is never one.
 *
 * @example
 * const d = new StallDetector(plan, 60_000, (waitMs) => sampleHosts(waitMs), (e) => warn(e.message)); d.start(); …; d.stop()
 */
export class StallDetector {
  state: StallState | undefined
  private timer: NodeJS.Timeout | undefined
  private last = { progress: Number.NaN, at: Date.now() }
  /** When records last moved, and whether a bounded source was seen reading since (kept across a sample that falls between two reads). */
  private moved = { records: Number.NaN, at: Date.now(), boundedRead: false }
  private sampling = false

  constructor(
    private readonly plan: Plan,
    private readonly timeoutMs: number,
    /** Every instance's figures now; `complete` false when some host did not answer within `waitMs`. */
    private readonly sample: (waitMs: number) => Promise<{ stats: InstanceStats[]; complete: boolean }>,
    private readonly onStall: (error: StallError) => void,
  ) {}

  start(): void {
    if (this.timeoutMs <= 0 || this.timer) return
    this.last = { progress: Number.NaN, at: Date.now() }
    this.moved = { records: Number.NaN, at: Date.now(), boundedRead: false }
    this.timer = setInterval(() => void this.check(), Math.max(50, Math.min(1_000, this.timeoutMs / 4)))
    this.timer.unref()
  }

  stop(): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  /**
   * The waits now, as a stall error (for a stop that timed out): fresh figures from every host
   * that answers within `REPORT_WAIT_MS`, the last ones of a host that does not (a worker whose
   * thread is stuck) — this error is what ends the stop, so its making must not hang on the job.
   * `also`: what else it waits for, in words (a checkpoint in progress), read after the sample.
   */
  async report(during: 'run' | 'stop', lead: string, also?: () => string | undefined): Promise<StallError> {
    const { stats } = await this.sample(REPORT_WAIT_MS)
    const waits = stallWaits(this.plan, stats)
    const more = also?.()
    return new StallError(this.plan.pipelineId, during, Date.now() - this.last.at, waits, `${lead}: ${describeWaits(waits)}${more === undefined ? '' : `; ${more}`}`)
  }

  private async check(): Promise<void> {
    if (this.sampling) return
    this.sampling = true
    try {
      const { stats, complete } = await this.sample(CHECK_WAIT_MS)
      const now = Date.now()
      const progress = progressOf(stats)
      const records = recordsMovedOf(stats)
      if (progress !== this.last.progress) this.last = { progress, at: now }
      if (records !== this.moved.records) this.moved = { records, at: now, boundedRead: false }
      if (stats.some((s) => this.readsBounded(s))) this.moved.boundedRead = true
      const since = this.moved.boundedRead ? this.moved.at : this.last.at
      if (since === now) {
        if (this.state?.active) this.state = { ...this.state, active: false }
        return
      }
      const idleMs = now - since
      const queued = stats.some((s) => s.queueDepth > 0 || this.sourceHoldsWork(s))
      if (!complete || !queued || idleMs < this.timeoutMs || this.state?.active) return
      const waits = stallWaits(this.plan, stats)
      const message = `pipeline '${this.plan.pipelineId}': stalled — work is pending but no step made progress for ${(idleMs / 1000).toFixed(1)} s: ` +
        `${describeWaits(waits)}. A handler that does not settle (an async function or sink write that never resolves), or a read of a ` +
        'bounded source that never returns, holds everything behind it; fix or time out that call (stallTimeout sets how long counts as a stall)'
      this.state = { count: (this.state?.count ?? 0) + 1, active: true, since, idleMs, waits, message }
      this.onStall(new StallError(this.plan.pipelineId, 'run', idleMs, waits, message))
    } finally {
      this.sampling = false
    }
  }

  /**
   * A source instance with a batch in hand (a send through its chain in progress), or of a
   * bounded source with a read in progress (see `SourceActor.waitingFor`). An unbounded source's
   * read may wait for input as long as there is none: that is no stall.
   */
  private sourceHoldsWork(s: InstanceStats): boolean {
    const head = this.plan.vertices[s.vertex]?.steps[0]?.spec
    if (head?.kind !== 'source' || s.waiting === undefined) return false
    return s.waiting.startsWith('sending batch') || this.readsBounded(s)
  }

  /** A source instance of a bounded source with a read in progress. */
  private readsBounded(s: InstanceStats): boolean {
    const head = this.plan.vertices[s.vertex]?.steps[0]?.spec
    return head?.kind === 'source' && head.source.bounded && s.waiting?.startsWith('reading batch') === true
  }
}

/** How long a periodic check waits for a host's figures: a busy thread is not proof of a stall. */
const CHECK_WAIT_MS = 2_000
/** How long a stop's report waits for a host's figures before it goes with the last ones. */
const REPORT_WAIT_MS = 1_000
