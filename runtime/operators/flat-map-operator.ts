import { andThen, type Maybe } from '../maybe.ts'
import { eachRecord } from './each-record.ts'
import type { Operator, OperatorContext, Output } from './operator.ts'

/** `.flatMap`: zero or more output records per input record, in order. */
export class FlatMapOperator implements Operator {
  constructor(private readonly ctx: OperatorContext, private readonly fn: (r: unknown) => Iterable<unknown>, private readonly next: Output) {}

  batch(records: readonly unknown[]): Maybe<void> {
    const c = this.ctx.counters
    const base = c.recordsIn
    c.recordsIn += records.length
    const out: unknown[] = []
    const fn = this.fn
    return andThen(eachRecord(this.ctx, records, base, (r) => {
      // Collect first, so a throw half-way through an iterable emits nothing for that record.
      const produced = [...fn(r)]
      for (const x of produced) out.push(x)
    }), () => {
      c.recordsOut += out.length
      return out.length > 0 ? this.next.batch(out) : undefined
    })
  }

  watermark(time: number): Maybe<void> { return this.next.watermark(time) }
  end(final: boolean): Maybe<void> { return this.next.end(final) }
}
