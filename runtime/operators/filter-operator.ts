import type { Maybe } from '../maybe.ts'
import { collectEach } from './each-record.ts'
import type { OperatorContext, Output } from './operator.ts'
import { Pipe } from './pipe.ts'

/** `.filter`: keeps records for which the predicate is truthy. */
export class FilterOperator extends Pipe {
  constructor(private readonly ctx: OperatorContext, private readonly fn: (r: unknown) => unknown, next: Output) {
    super(next)
  }

  override batch(records: readonly unknown[]): Maybe<void> {
    const fn = this.fn
    return collectEach(this.ctx, records, this.next, (r, out) => { if (fn(r)) out.push(r) })
  }
}
