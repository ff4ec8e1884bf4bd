import type { Maybe } from '../maybe.ts'
import type { Operator, OperatorContext, Output } from './operator.ts'

/** Counts and forwards: a union's merge point, and a source step's own counts in its chain. */
export class PassOperator implements Operator {
  constructor(private readonly ctx: OperatorContext, private readonly next: Output) {}

  batch(records: readonly unknown[]): Maybe<void> {
    const c = this.ctx.counters
    c.recordsIn += records.length
    c.recordsOut += records.length
    return this.next.batch(records)
  }

  watermark(time: number): Maybe<void> { return this.next.watermark(time) }
  end(final: boolean): Maybe<void> { return this.next.end(final) }
}
