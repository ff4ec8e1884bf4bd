import type { SideOutlet } from '../../plan/side-output-steps.ts'
import type { Maybe } from '../../maybe.ts'
import type { OperatorContext } from '../operator.ts'

/**
 * The late records of a window step: counted in the step's `late` figure, and sent to its
 * `lateTo` sink when it has one. The sink is not opened here: it is a sink step of the plan
 * (`<step>-late`, see `sideOutputSteps`) fed by this vertex's side edge, so it has one writer
 * per job and is in the checkpoint like any sink. Records are buffered per batch and sent in
 * order at each flush, before the windows fired by the same batch; a slow sink holds the step back.
 *
 * @example
 * const late = new WindowLateRecords(ctx); late.add(record); await late.flush()
 */
export class WindowLateRecords {
  private pending: unknown[] = []
  private readonly outlet: SideOutlet | undefined

  constructor(private readonly ctx: OperatorContext) {
    ctx.counters.late = 0
    this.outlet = ctx.lateRecords
  }

  add(record: unknown): void {
    this.ctx.counters.late!++
    if (this.outlet) this.pending.push(record)
  }

  /**
   * Sends what was buffered since the last flush. The window operator flushes after every batch,
   * watermark and timer, so nothing is buffered when a barrier snapshots the step: every late
   * record before the barrier is on the side edge ahead of it.
   */
  flush(): Maybe<void> {
    if (this.pending.length === 0) return
    const records = this.pending
    this.pending = []
    return this.outlet!(records)
  }
}
