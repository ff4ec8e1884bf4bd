import type { StateHolder } from '../../persistence/state-holder.ts'
import type { SinkWriter } from '../contracts/sink.ts'
import { andThen, type Maybe } from '../maybe.ts'
import { inputOffset, type Operator, type OperatorContext } from './operator.ts'

/**
 * `.sink`: hands each batch to the sink's writer and waits for it (a slow sink holds back its
 * input: backpressure). The error policy applies per batch: retry writes the batch again.
 */
export class SinkOperator implements Operator {
  constructor(private readonly ctx: OperatorContext, private readonly writer: SinkWriter<unknown>) {}

  batch(records: readonly unknown[]): Maybe<void> {
    const c = this.ctx.counters
    const base = c.recordsIn
    c.recordsIn += records.length
    // The common case, a write that neither throws nor rejects, allocates nothing here.
    let r: Maybe<void>
    try {
      r = this.writer.write(records)
    } catch (e) {
      return this.failed(records, base, e)
    }
    if (r instanceof Promise) return r.then(() => { c.recordsOut += records.length }, (e: unknown) => this.failed(records, base, e))
    c.recordsOut += records.length
  }

  /** The batch from input record `base` failed with `e`: the step's error policy decides (retry writes it again). */
  private failed(records: readonly unknown[], base: number, e: unknown): Maybe<void> {
    const c = this.ctx.counters
    const write = (): Maybe<void> => this.writer.write(records)
    const offset = `${inputOffset(base, 0)}..${base + records.length}`
    return andThen(this.ctx.failures.handle(records, offset, e, write), (kept) => {
      if (kept !== false) c.recordsOut += records.length
    })
  }

  watermark(): void {}

  end(): Maybe<void> {
    return this.writer.end?.()
  }

  close(): Maybe<void> {
    return this.writer.close?.()
  }

  commit(checkpointId: number): Maybe<void> {
    return this.writer.commit?.(checkpointId)
  }

  rewound(): void {
    this.writer.rewound?.()
  }

  result(): unknown {
    return this.writer.result?.()
  }

  holders(): StateHolder[] {
    return this.writer.holders?.() ?? []
  }
}
