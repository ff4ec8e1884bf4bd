import { andThen, type Maybe } from '../maybe.ts'
import { eachRecord } from './each-record.ts'
import type { Operator, OperatorContext, Output } from './operator.ts'

/** `.filter`: keeps records for which the predicate is truthy. */
export class FilterOperator implements Operator {
  constructor(private readonly ctx: OperatorContext, private readonly fn: (r: unknown) => unknown, private readonly next: Output) {}

  batch(records: readonly unknown[]): Maybe<void> {
    const c = this.ctx.counters
    const base = c.recordsIn
    c.recordsIn += records.length
    const out: unknown[] = []
    const fn = this.fn
    return andThen(eachRecord(this.ctx, records, base, (r) => { if (fn(r)) out.push(r) }), () => {
      c.recordsOut += out.length
      return out.length > 0 ? this.next.batch(out) : undefined
    })
  }

  watermark(time: number): Maybe<void> { return this.next.watermark(time) }
  end(final: boolean): Maybe<void> { return this.next.end(final) }
}
