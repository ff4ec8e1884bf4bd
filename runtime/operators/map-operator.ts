import type { Maybe } from '../maybe.ts'
import { collectEach } from './each-record.ts'
import type { OperatorContext, Output } from './operator.ts'
import { Pipe } from './pipe.ts'

/** `.map`: one output record per input record. */
export class MapOperator extends Pipe {
  constructor(private readonly ctx: OperatorContext, private readonly fn: (r: unknown) => unknown, next: Output) {
    super(next)
  }

  override batch(records: readonly unknown[]): Maybe<void> {
    const fn = this.fn
    return collectEach(this.ctx, records, this.next, (r, out) => { out.push(fn(r)) })
  }
}
