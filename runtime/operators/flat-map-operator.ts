import type { Maybe } from '../maybe.ts'
import { collectEach } from './each-record.ts'
import type { OperatorContext, Output } from './operator.ts'
import { Pipe } from './pipe.ts'

/** `.flatMap`: zero or more output records per input record, in order. */
export class FlatMapOperator extends Pipe {
  constructor(private readonly ctx: OperatorContext, private readonly fn: (r: unknown) => Iterable<unknown>, next: Output) {
    super(next)
  }

  override batch(records: readonly unknown[]): Maybe<void> {
    const fn = this.fn
    return collectEach(this.ctx, records, this.next, (r, out) => {
      // Collect first, so a throw half-way through an iterable emits nothing for that record.
      const produced = [...fn(r)]
      for (const x of produced) out.push(x)
    })
  }
}
