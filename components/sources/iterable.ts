import type { Source, SourceContext, SourceReader } from '../../runtime/contracts/source.ts'
import { InvalidOptionError } from '../../runtime/errors/invalid-option-error.ts'
import { IterableConsumedError } from '../../runtime/errors/iterable-consumed-error.ts'
import { checkKnownOptions, invalidOption, shown } from '../../runtime/option-checks.ts'
import { positionHolder, SOURCE_POSITION } from './position-holder.ts'

/** Options of `sources.iterable`. */
export interface IterableOptions {
  /** Text for messages and the CLI (default: `iterable(array[n])`, `iterable(iterator)`, …). */
  readonly description?: string
}

/**
 * A bounded source over an array, any iterable, or an async iterable.
 *
 * Arrays are sliced by index and other sync iterables are drained up to `max` records per read
 * without any promise: this path feeds multi-million-record benchmarks. Async iterables are
 * awaited one `next()` at a time and a read returns after `max` records or at the end — the
 * input is bounded, so holding a batch back until it is full costs no latency that matters.
 *
 * position() is the number of records read. Restoring a checkpoint starts the input over
 * (`[Symbol.iterator]()` again) and skips that many records: exact for arrays and re-iterable
 * inputs (a Set, an object whose `[Symbol.iterator]()` returns a fresh iterator each call). A
 * one-shot input — a generator object or other iterator, a stream — can be read once per
 * process: a fresh one resumes correctly (a restore in a new process builds it anew), but once
 * read, a restart of the job or another run of the pipeline in the same process would find only
 * what is left of it, so that reader fails with IterableConsumedError instead of losing records.
 *
 * @example
 * pipeline('p').source('nums', sources.iterable([1, 2, 3])).sink('out', sinks.collect())
 */
export function iterable<T>(input: Iterable<T> | AsyncIterable<T>, options: IterableOptions = {}): Source<T> {
  const kind = inputKind(input)
  if (kind === undefined) {
    const hint = typeof input === 'string' ? '; to read a file use sources.jsonl(path) or sources.csv(path)'
      : typeof input === 'function' ? '; pass the iterable the function returns, e.g. iterable(gen()) rather than iterable(gen)' : ''
    throw new InvalidOptionError('input',
      `iterable: input must be an array, an iterable or an async iterable (got ${shown(input)})${hint}`)
  }
  checkKnownOptions('iterable', options, { description: true } satisfies Record<keyof IterableOptions, true>)
  if (options?.description !== undefined && typeof options.description !== 'string') {
    throw invalidOption('iterable', 'description', 'a string', options.description)
  }
  const description = options?.description ??
    (kind === 'array' ? `iterable(array[${(input as T[]).length}])` : `iterable(${kind})`)
  // Shared by every reader this source opens in this process: each run and each restart opens one.
  const drawn: Drawn = { iterator: undefined, records: 0 }
  return {
    kind: 'source',
    // What its reader's positionHolder registers (the default format): one position, whatever the options.
    state: [SOURCE_POSITION],
    description,
    bounded: true,
    open: (ctx) => kind === 'array' ? arrayReader(input as readonly T[], ctx)
      : kind === 'sync' ? syncReader(input as Iterable<T>, ctx, drawn)
      : asyncReader(input as AsyncIterable<T>, ctx, drawn),
  }
}

function inputKind(input: unknown): 'array' | 'sync' | 'async' | undefined {
  if (Array.isArray(input)) return 'array'
  // A string is iterable, but passing one is almost always a file path given to the wrong source.
  if (typeof input !== 'object' || input === null) return undefined
  if (typeof (input as Iterable<unknown>)[Symbol.iterator] === 'function') return 'sync'
  if (typeof (input as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') return 'async'
  return undefined
}

/**
 * What one `sources.iterable` drew from its input in this process, over all the readers it opened:
 * the last iterator handed out and how many records were taken from it (from the input, for a
 * stream).
 */
interface Drawn {
  iterator: object | undefined
  records: number
}

/**
 * `iterator`, just handed out by the input for a reader that starts (or starts over after a
 * restore), checked not to continue what an earlier reader in this process took: a one-shot
 * input hands out the iterator it handed out before (a generator object is its own iterator), or
 * — a stream, a readline interface — new iterators over data already delivered. Throws
 * IterableConsumedError rather than let the reader skip `position` records it no longer has.
 */
function startIterator<I extends object>(input: object, iterator: I, drawn: Drawn, step: string, position: number): I {
  const emitter = isEmitter(input)
  const oneShot = emitter || iterator === drawn.iterator
  if (oneShot && drawn.records > 0) {
    throw new IterableConsumedError(step, emitter ? 'a stream or other event emitter, which delivers its data once'
      : 'a generator object, or an iterable whose [Symbol.iterator]() returns the iterator it returned before', drawn.records, position)
  }
  if (!oneShot) drawn.records = 0
  drawn.iterator = iterator
  return iterator
}

/** Node streams and readline interfaces are iterable, but their iterators all read one flow of data. */
function isEmitter(input: object): boolean {
  const e = input as { on?: unknown; once?: unknown }
  return typeof e.on === 'function' && typeof e.once === 'function'
}

function countHolder(ctx: SourceContext, get: () => number, set: (n: number) => void) {
  return positionHolder<number>(`${ctx.step}/${SOURCE_POSITION.name}`, get, set,
    (s) => Number.isSafeInteger(s) && (s as number) >= 0 ? undefined : 'expected a non-negative integer count of records read')
}

function arrayReader<T>(input: readonly T[], ctx: SourceContext): SourceReader<T> {
  let next = 0
  const holder = countHolder(ctx, () => next, (n) => { next = n })
  return {
    read(max) {
      if (next >= input.length) return undefined
      const batch = input.slice(next, next + max)
      next += batch.length
      return batch
    },
    position: () => next,
    holders: () => [holder],
  }
}

function syncReader<T>(input: Iterable<T>, ctx: SourceContext, drawn: Drawn): SourceReader<T> {
  let it: Iterator<T> | undefined
  let read = 0
  let done = false
  let skipped = 0
  // Restore drops the iterator without return(): a one-shot iterator is its own [Symbol.iterator](),
  // and return() would finish it before the skip.
  const holder = countHolder(ctx, () => read, (n) => { it = undefined; done = false; read = n })
  return {
    read(max) {
      if (done) return undefined
      if (it === undefined) {
        it = startIterator(input, input[Symbol.iterator](), drawn, ctx.step, read)
        // After a restore, skip what the checkpoint says was already read.
        for (let i = 0; i < read; i++) {
          if (it.next().done) { done = true; return undefined }
          drawn.records++
          skipped++
        }
      }
      const batch: T[] = []
      while (batch.length < max) {
        const r = it.next()
        if (r.done) { done = true; break }
        batch.push(r.value)
      }
      read += batch.length
      drawn.records += batch.length
      return batch.length > 0 ? batch : undefined
    },
    position: () => read,
    skipped: () => skipped,
    close() { if (!done) it?.return?.() },
    holders: () => [holder],
  }
}

function asyncReader<T>(input: AsyncIterable<T>, ctx: SourceContext, drawn: Drawn): SourceReader<T> {
  let it: AsyncIterator<T> | undefined
  let read = 0
  let done = false
  let skipped = 0
  const holder = countHolder(ctx, () => read, (n) => { it = undefined; done = false; read = n })
  return {
    async read(max) {
      if (done) return undefined
      if (it === undefined) {
        it = startIterator(input, input[Symbol.asyncIterator](), drawn, ctx.step, read)
        // As slowly as the input yields: `skipped` shows the stall detector the skip moving.
        for (let i = 0; i < read; i++) {
          if ((await it.next()).done) { done = true; return undefined }
          drawn.records++
          skipped++
        }
      }
      const batch: T[] = []
      while (batch.length < max) {
        const r = await it.next()
        if (r.done) { done = true; break }
        batch.push(r.value)
      }
      read += batch.length
      drawn.records += batch.length
      return batch.length > 0 ? batch : undefined
    },
    position: () => read,
    skipped: () => skipped,
    async close() { if (!done) await it?.return?.() },
    holders: () => [holder],
  }
}
