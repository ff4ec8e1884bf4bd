import type { Sink } from '../../runtime/contracts/sink.ts'
import { checkObject, invalidOption } from '../../runtime/option-checks.ts'

/** Options of `sinks.console`. */
export interface ConsoleOptions<T> {
  /** Turns a record into its line (default: `JSON.stringify`). */
  readonly format?: (record: T) => string
}

/**
 * A sink that prints each record as a line on stdout, JSON by default. A batch is written with
 * one `process.stdout.write`; when stdout's buffer is full (a slow pipe), `write()` waits for
 * `drain`, so output holds the pipeline back instead of piling up in memory.
 *
 * @example
 * pipeline('p').source('n', sources.iterable([1, 2])).sink('print', sinks.console({ format: (n) => `n=${n}` }))
 */
export function console<T = unknown>(options: ConsoleOptions<T> = {}): Sink<T, undefined> {
  checkObject('console', options, '{ format: (record) => string }', { format: true } satisfies Record<keyof ConsoleOptions<T>, true>)
  const format = options?.format ?? ((r: T) => JSON.stringify(r) ?? String(r))
  if (typeof format !== 'function') {
    throw invalidOption('console', 'format', 'a function (record) => string', format)
  }
  return {
    kind: 'sink',
    description: 'console()',
    state: [],
    open: () => ({
      write(records) {
        if (records.length === 0) return
        let text = ''
        for (let i = 0; i < records.length; i++) text += format(records[i]) + '\n'
        if (process.stdout.write(text)) return
        return new Promise<void>((resolve) => process.stdout.once('drain', resolve))
      },
    }),
  }
}
