import type { Maybe } from '../maybe.ts'
import type { OperatorContext, Output } from './operator.ts'
import { Pipe } from './pipe.ts'

/** Counts and forwards: a union's merge point, and a source step's own counts in its chain. */
export class PassOperator extends Pipe {
  constructor(private readonly ctx: OperatorContext, next: Output) {
    super(next)
  }

  override batch(records: readonly unknown[]): Maybe<void> {
    const c = this.ctx.counters
    c.recordsIn += records.length
    c.recordsOut += records.length
    return this.next.batch(records)
  }
}
