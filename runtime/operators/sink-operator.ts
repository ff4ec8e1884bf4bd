import type { StateHolder } from '../../persistence/state-holder.ts'
import type { SinkWriter } from '../contracts/sink.ts'
import { isRecordEncodeError, RecordEncodeError } from '../errors/record-encode-error.ts'
import { andThen, type Maybe } from '../maybe.ts'
import { inputOffset, type Operator, type OperatorContext } from './operator.ts'

/**
 * `.sink`: hands each batch to the sink's writer and waits for it (a slow sink holds back its
 * input: backpressure). The error policy applies per batch (retry writes the batch again), and
 * per record to records the writer could not encode (RecordEncodeError).
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
    if (r instanceof Promise) {
      c.settlingSince = performance.now()
      return r.then(() => { c.settlingSince = undefined; c.recordsOut += records.length },
        (e: unknown) => { c.settlingSince = undefined; return this.failed(records, base, e) })
    }
    c.recordsOut += records.length
  }

  /** The batch from input record `base` failed with `e`: the step's error policy decides (retry writes it again). */
  private failed(records: readonly unknown[], base: number, e: unknown): Maybe<void> {
    if (isRecordEncodeError(e)) return this.unencodable(records, base, e)
    const c = this.ctx.counters
    const write = (): Maybe<void> => this.writer.write(records)
    const offset = `${inputOffset(base, 0)}..${base + records.length}`
    return andThen(this.ctx.failures.handle(records, offset, e, write), (kept) => {
      if (kept !== false) c.recordsOut += records.length
    })
  }

  /**
   * The writer wrote every record of the batch but `e.failures`', which it could not encode: the
   * step's error policy takes each of those alone (a retry writes that record again), so a bad
   * record neither fails nor drops the good ones beside it, whatever the batch size.
   */
  private unencodable(records: readonly unknown[], base: number, e: RecordEncodeError): Maybe<void> {
    const c = this.ctx.counters
    c.recordsOut += records.length - e.failures.length
    let done: Maybe<void> = undefined
    for (const f of e.failures) {
      const one = [records[f.index]]
      const alone = new RecordEncodeError(e.sink, e.format, [{ index: 0, error: f.error }])
      done = andThen(done, () => andThen(this.ctx.failures.handle(one, inputOffset(base, f.index), alone, () => this.writer.write(one)), (kept) => {
        if (kept !== false) c.recordsOut++
      }))
    }
    return done
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
