import type { Clock } from './clock.ts'
import type { SinkWriter } from './contracts/sink.ts'
import type { DeadLetterOutlet } from './failure-handler.ts'
import type { StepNode } from './graph.ts'
import type { DeadLetter } from './step-options.ts'

/**
 * The dead-letter sinks of a job: one writer per step whose policy is `{ deadLetter }`,
 * opened on the first dead letter and shared by the step's instances; writes keep their order.
 */
export class DeadLetterWriters {
  private readonly writers = new Map<string, Promise<SinkWriter<DeadLetter>>>()

  constructor(private readonly pipelineId: string, private readonly clock: Clock) {}

  /** The outlet for `step`, or undefined when its policy sends nothing to a dead-letter sink. */
  outletFor(step: StepNode): DeadLetterOutlet | undefined {
    const policy = step.options.onError
    if (typeof policy !== 'object' || !('deadLetter' in policy)) return undefined
    const sink = policy.deadLetter
    return async (letters) => {
      let writer = this.writers.get(step.name)
      if (!writer) {
        writer = Promise.resolve(sink.open({ pipelineId: this.pipelineId, step: `${step.name}-dead-letter`, clock: this.clock }))
        this.writers.set(step.name, writer)
      }
      await (await writer).write(letters)
    }
  }

  /** Each dead-letter sink's result by step name (e.g. the records a collect() sink kept). */
  async results(): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {}
    for (const [step, w] of this.writers) out[step] = (await w).result?.()
    return out
  }

  /** Flushes (`end`) and closes every writer that was opened. */
  async close(): Promise<void> {
    for (const w of this.writers.values()) {
      const writer = await w
      await writer.end?.()
      await writer.close?.()
    }
  }
}
