import type { Sink, SinkContext, SinkWriter } from '../../runtime/contracts/sink.ts'
import { InvalidOptionError } from '../../runtime/errors/invalid-option-error.ts'
import { shown } from '../../runtime/option-checks.ts'

/** The writer of a `collect()` sink: `result()` is every record written, in order. */
export interface CollectWriter<T> extends SinkWriter<T, T[]> {
  result(): T[]
}

/** A sink that keeps its records in memory; each `open()` gives a fresh, typed writer. */
export interface CollectSink<T> extends Sink<T, T[]> {
  open(ctx: SinkContext): CollectWriter<T>
}

/**
 * A sink that collects records in memory, in arrival order; the job summary carries them under
 * the sink's step name (`summary.results[name]`). Each `open()` starts a new array, so one sink
 * object can serve several jobs without mixing their records. Unbounded input grows it forever:
 * use it for tests and small batch jobs.
 *
 * @example
 * const { results } = await pipeline('p').source('n', sources.iterable([1, 2])).sink('out', sinks.collect()).run().done
 * results.out // [1, 2]
 */
export function collect<T = unknown>(): CollectSink<T> {
  // From JavaScript an argument would pass unseen: collect keeps every record, it has no options.
  if (arguments.length > 0) {
    throw new InvalidOptionError('options', `collect: takes no options (got ${shown(arguments[0])}); it keeps every record in memory — ` +
      'for a bounded or large output write a file (sinks.jsonl)')
  }
  return {
    kind: 'sink',
    description: 'collect()',
    // Its records are the job's result, not state: a restored job collects from the restore on.
    state: [],
    open() {
      const records: T[] = []
      return {
        write(batch) {
          // A loop, not push(...batch): spreading a 100k-record batch overflows the stack.
          for (let i = 0; i < batch.length; i++) records.push(batch[i])
        },
        result: () => records,
      }
    },
  }
}
