import type { StateHolder } from '../../persistence/state-holder.ts'
import type { Oxi, OxiContext } from '../contracts/oxi.ts'
import { andThen, attempt, type Maybe } from '../sequence.ts'
import { releaseOxi } from './oxi-instances.ts'
import { inputOffset, type Operator, type OperatorContext, type Output } from './operator.ts'

/**
 * `.process`: runs a user Oxi. Emits are buffered and sent as one batch after each callback.
 * The error policy applies per batch: a retry calls `onBatch` again with the same records
 * (discarding what the failed call emitted), skip and dead letter drop the whole batch.
 */
export class ProcessOperator implements Operator {
  private out: unknown[] = []
  private readonly oxiCtx: OxiContext<unknown>

  constructor(private readonly ctx: OperatorContext, private readonly oxi: Oxi, private readonly next: Output) {
    const key = ctx.step.key
    this.oxiCtx = {
      pipelineId: ctx.pipelineId,
      step: ctx.step.name,
      instance: ctx.instance,
      emit: (record) => { this.out.push(record) },
      key: key ? (record) => key(record) : () => null,
      now: () => ctx.clock.now(),
    }
  }

  open(): Maybe<void> {
    return this.oxi.open?.(this.oxiCtx)
  }

  batch(records: readonly unknown[]): Maybe<void> {
    const c = this.ctx.counters
    const base = c.recordsIn
    c.recordsIn += records.length
    const run = (): Maybe<void> => {
      this.out = []
      return this.oxi.onBatch(records, this.oxiCtx)
    }
    const offset = `${inputOffset(base, 0)}..${base + records.length}`
    const done = attempt<unknown>(run, (e) => andThen(this.ctx.failures.handle(records, offset, e, run), (kept) => {
      if (!kept) this.out = []
    }))
    return andThen(done, () => this.flush())
  }

  watermark(time: number): Maybe<void> {
    return andThen(this.oxi.onWatermark?.(time, this.oxiCtx), () => andThen(this.flush(), () => this.next.watermark(time)))
  }

  end(final: boolean): Maybe<void> {
    const ended = final ? this.oxi.onEnd?.(this.oxiCtx) : undefined
    return andThen(ended, () => andThen(this.flush(), () => this.next.end(final)))
  }

  close(): void {
    releaseOxi(this.oxi)
  }

  holders(): StateHolder[] {
    return this.oxi.holders?.() ?? []
  }

  private flush(): Maybe<void> {
    const out = this.out
    if (out.length === 0) return
    this.out = []
    this.ctx.counters.recordsOut += out.length
    return this.next.batch(out)
  }
}
