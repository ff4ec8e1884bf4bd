import type { StateHolder } from '../../persistence/state-holder.ts'
import type { Maybe } from '../maybe.ts'
import type { OperatorContext, Output } from './operator.ts'
import { Pipe } from './pipe.ts'

/**
 * `.batch(name, { size, maxWaitMs })`: groups records into arrays of `size`. A partial group is
 * sent `maxWaitMs` after its first record (job clock) and when the input is exhausted; on stop
 * it stays in state (a checkpoint keeps it).
 */
export class BatchOperator extends Pipe {
  private pending: unknown[] = []
  private cancelTimer: (() => void) | undefined

  constructor(
    private readonly ctx: OperatorContext,
    private readonly size: number,
    private readonly maxWaitMs: number | undefined,
    next: Output,
  ) {
    super(next)
  }

  override batch(records: readonly unknown[]): Maybe<void> {
    this.ctx.counters.recordsIn += records.length
    const out: unknown[][] = []
    for (const r of records) {
      this.pending.push(r)
      if (this.pending.length === this.size) {
        out.push(this.pending)
        this.pending = []
      }
    }
    // The wait counts from the first record of the group now pending, not of one already sent.
    if (out.length > 0) this.cancel()
    this.armTimer()
    return this.send(out)
  }

  override end(final: boolean): Maybe<void> {
    this.cancel()
    if (!final || this.pending.length === 0) return this.next.end(final)
    const partial = this.pending
    this.pending = []
    const sent = this.send([partial])
    return sent instanceof Promise ? sent.then(() => this.next.end(final)) : this.next.end(final)
  }

  close(): void { this.cancel() }

  holders(): StateHolder[] {
    const stateId = `${this.ctx.step.name}/pending`
    return [{
      stateId,
      stateVersion: '1.0.0',
      snapshot: () => this.pending.slice(),
      restore: (state: unknown) => { this.pending = (state as unknown[]).slice(); this.armTimer() },
    }]
  }

  private armTimer(): void {
    if (this.maxWaitMs === undefined) return
    if (this.pending.length === 0) { this.cancel(); return }
    if (this.cancelTimer) return
    this.cancelTimer = this.ctx.setTimer(this.maxWaitMs, () => {
      this.cancelTimer = undefined
      if (this.pending.length === 0) return
      const partial = this.pending
      this.pending = []
      return this.send([partial])
    })
  }

  private cancel(): void {
    this.cancelTimer?.()
    this.cancelTimer = undefined
  }

  private send(groups: unknown[][]): Maybe<void> {
    if (groups.length === 0) return
    this.ctx.counters.recordsOut += groups.length
    return this.next.batch(groups)
  }
}
