import type { Maybe } from '../maybe.ts'
import { collectAfterThrow, sendCounted } from './each-record.ts'
import type { OperatorContext, Output } from './operator.ts'
import { Pipe } from './pipe.ts'

/** `.map`: one output record per input record. */
export class MapOperator extends Pipe {
  constructor(private readonly ctx: OperatorContext, private readonly fn: (r: unknown) => unknown, next: Output) {
    super(next)
  }

  override batch(records: readonly unknown[]): Maybe<void> {
    const fn = this.fn
    const ctx = this.ctx
    const base = ctx.counters.recordsIn
    ctx.counters.recordsIn += records.length
    // One output per record: the array is made at its size (pushes grew it a dozen times per batch).
    const out = new Array<unknown>(records.length)
    let i = 0
    try {
      for (; i < records.length; i++) out[i] = fn(records[i])
    } catch (e) {
      out.length = i
      return collectAfterThrow(ctx, records, base, i, e, this.next, (r, o) => { o.push(fn(r)) }, out)
    }
    return sendCounted(ctx, this.next, out)
  }
}
