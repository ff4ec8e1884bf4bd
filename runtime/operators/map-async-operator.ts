import { inputOffset, type OperatorContext, type Output } from './operator.ts'
import { Pipe } from './pipe.ts'

const DROPPED = Symbol('dropped')

/**
 * `.mapAsync`: awaits an async function per record, up to `concurrency` at once within a
 * batch; output keeps input order (results land in their input slot).
 */
export class MapAsyncOperator extends Pipe {
  constructor(
    private readonly ctx: OperatorContext,
    private readonly fn: (r: unknown) => unknown,
    private readonly concurrency: number,
    next: Output,
  ) {
    super(next)
  }

  override async batch(records: readonly unknown[]): Promise<void> {
    const c = this.ctx.counters
    const base = c.recordsIn
    c.recordsIn += records.length
    const slots: unknown[] = new Array(records.length)
    let nextIndex = 0
    const lane = async (): Promise<void> => {
      while (nextIndex < records.length) {
        const i = nextIndex++
        const record = records[i]
        try {
          slots[i] = await this.fn(record)
        } catch (e) {
          const kept = await this.ctx.failures.handle([record], inputOffset(base, i), e, async () => { slots[i] = await this.fn(record) })
          if (!kept) slots[i] = DROPPED
        }
      }
    }
    c.settlingSince = performance.now()
    try {
      await Promise.all(Array.from({ length: Math.min(this.concurrency, records.length) }, lane))
    } finally {
      c.settlingSince = undefined
    }
    const out = slots.filter((s) => s !== DROPPED)
    c.recordsOut += out.length
    if (out.length > 0) await this.next.batch(out)
  }
}
