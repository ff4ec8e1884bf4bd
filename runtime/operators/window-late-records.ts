import type { Sink, SinkWriter } from '../contracts/sink.ts'
import type { StateHolder } from '../../persistence/state-holder.ts'
import { andThen, type Maybe } from '../sequence.ts'
import type { OperatorContext } from './operator.ts'

/**
 * The late records of a window step: counted in the step's `late` figure, and written to its
 * `lateTo` sink when it has one (opened by the step itself, as `${step}-late`, like a dead-letter
 * sink). Records are buffered per batch and written in order; a slow sink holds the step back.
 *
 * @example
 * const late = new WindowLateRecords(ctx, spec.lateTo); late.add(record); await late.flush()
 */
export class WindowLateRecords {
  private writer: SinkWriter<unknown> | undefined
  private pending: unknown[] = []

  constructor(private readonly ctx: OperatorContext, private readonly sink: Sink<unknown> | undefined) {
    ctx.counters.late = 0
  }

  open(): Maybe<void> {
    if (!this.sink) return
    const step = `${this.ctx.step.name}-late`
    return andThen(this.sink.open({ pipelineId: this.ctx.pipelineId, step, clock: this.ctx.clock }), (w) => { this.writer = w })
  }

  add(record: unknown): void {
    this.ctx.counters.late!++
    if (this.writer) this.pending.push(record)
  }

  /** Writes what was buffered since the last flush. */
  flush(): Maybe<void> {
    if (this.pending.length === 0) return
    const records = this.pending
    this.pending = []
    return this.writer!.write(records)
  }

  /** The input is exhausted: the sink flushes. */
  end(): Maybe<void> {
    return this.writer?.end?.()
  }

  close(): Maybe<void> {
    return this.writer?.close?.()
  }

  holders(): StateHolder[] {
    return this.writer?.holders?.() ?? []
  }
}
