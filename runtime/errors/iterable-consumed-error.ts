import { OxiflowError } from './oxiflow-error.ts'

/**
 * `sources.iterable` was asked to read a one-shot input again — a generator object, an iterator,
 * a stream — that an earlier run or attempt in this process already read: after a restart (or a
 * second `run()` of the same pipeline) it would yield only what is left of it, and a restore would
 * skip records it no longer has, so the output would lack records and nothing would count them.
 * The job fails instead, and a restart policy does not restart it (the next attempt would meet
 * the same consumed input). `alreadyRead` is what this process drew from the input; `position`
 * where the run would have resumed (0: from the start).
 *
 * @example
 * new IterableConsumedError('nums', 'a generator object or another iterator', 17408, 15000)
 */
export class IterableConsumedError extends OxiflowError {
  override readonly name = 'IterableConsumedError'
  constructor(readonly step: string, readonly input: string, readonly alreadyRead: number, readonly position: number) {
    const again = position > 0 ? `resuming it at record ${position}, as the restored checkpoint asks,` : 'reading it again from the start'
    super('ERR_ITERABLE_CONSUMED', `step '${step}': the input of sources.iterable is one-shot (${input}) and an earlier run or ` +
      `attempt in this process already read ${alreadyRead} records from it; ${again} would find only what is left and ` +
      'lose the rest without a trace, so the job fails (a restart policy does not retry this). Pass an array, or an ' +
      'iterable that starts over on each call — sources.iterable({ [Symbol.iterator]: gen }) for a generator function gen, ' +
      '{ [Symbol.asyncIterator]: gen } for an async one — or restore in a new process (oxiflow run --restore latest), ' +
      'which builds the input afresh')
  }
}

/**
 * True when `e` is an IterableConsumedError.
 *
 * @example
 * try { await job.done } catch (e) { if (isIterableConsumedError(e)) console.error(e.step, e.alreadyRead) }
 */
export function isIterableConsumedError(e: unknown): e is IterableConsumedError {
  return e instanceof IterableConsumedError
}
