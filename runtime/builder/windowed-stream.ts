import type { Sink } from '../contracts/sink.ts'
import type { Aggregator } from '../contracts/aggregator.ts'
import type { Window, WindowOutput } from '../contracts/window.ts'
import { InvalidOptionError } from '../errors/invalid-option-error.ts'
import { PipelineDefinitionError } from '../errors/pipeline-definition-error.ts'
import type { StepSpec } from '../graph/step-spec.ts'
import type { Pipeline } from './pipeline.ts'
import type { StepOptions } from '../graph/step-options.ts'
import { requireName } from '../graph/step-name.ts'

/**
 * What every window result holds: the key `K` (`null` for an unkeyed window) and the window's bounds —
 * epoch ms for time windows, the key's record sequence numbers [first, last + 1) for count windows.
 *
 * @example
 * const r: WindowResult<{ n: number }, string> = { key: 'u1', windowStart: 0, windowEnd: 60_000, n: 3 }
 */
export type WindowResult<F = unknown, K = unknown> = { readonly key: K; readonly windowStart: number; readonly windowEnd: number } & F

/**
 * An aggregator of records of type R, as `agg.*` builds them.
 *
 * @example
 * const total: AggregatorOf<{ v: number }> = agg.sum((r: { v: number }) => r.v)
 */
export interface AggregatorOf<R> extends Omit<Aggregator<any, any>, 'add' | 'evict' | 'appendOnly'> {
  add(acc: any, record: R): unknown
  evict(acc: any, record: R): unknown
  // Typed too: Aggregator<any>'s own appendOnly takes `any` records, and `agg.sum((r) => …)` inferred
  // its record type from it as `any` instead of the stream's.
  readonly appendOnly?: Omit<AggregatorOf<R>, 'appendOnly'>
}

/**
 * The output fields of `.aggregate(name, aggregates)`: each aggregator's result type.
 *
 * @example
 * type F = AggregateFields<{ n: ReturnType<typeof agg.count> }> // { readonly n: number }
 */
export type AggregateFields<A> = { readonly [K in keyof A]: A[K] extends { result(acc: any): infer V } ? V : never }

/**
 * Adds the window step to the pipeline (the builder's own `append`, so keyBy rules stay in one place).
 *
 * @example
 * new WindowedStream(id, 'w', window, true, undefined, (name, spec, options) => this.append(name, spec, options))
 */
export type AddWindowStep = (name: string, spec: StepSpec, options: StepOptions | undefined) => Pipeline<any, any, any>

const RESERVED = new Set(['key', 'windowStart', 'windowEnd'])

/**
 * A stream cut into windows, waiting for what to compute per window. `.aggregate`, `.reduce` and
 * `.collect` add ONE stateful step named by their first argument; the window's own name (from
 * `.window(name, …)`) names its state inside that step: state id `${stepName}/${windowName}`.
 * `T`, `S` and `K` are the pipeline's (records, sink results, key); results carry `key: K`.
 *
 * @example
 * p.source('in', src).keyBy((r) => r.user)
 *   .window('minute', windows.tumbling({ size: 60_000, time: (r) => r.ts }))
 *   .lateTo(sinks.jsonl('late.jsonl'))
 *   .aggregate('clicks', { n: agg.count(), spent: agg.sum((r) => r.amount) })
 *   .sink('out', sinks.collect())
 */
export class WindowedStream<T, S = {}, K = unknown> {
  /** @internal Use `pipeline.window(name, window)`. */
  constructor(
    private readonly pipelineId: string,
    readonly windowName: string,
    private readonly window: Window<T>,
    private readonly keyed: boolean,
    private readonly lateSink: Sink<T> | undefined,
    private readonly add: AddWindowStep,
  ) {}

  /**
   * Sends late records — those whose event-time windows had closed (fired, and `allowedLateness`
   * passed) — to `sink`: a sink step of its own, `<window step>-late`, fed by every instance of the
   * window (one writer, in the checkpoint, like a dead-letter sink; see `sideOutputSteps`). Without
   * it they are dropped; either way the step's `late` figure counts them. Event-time windows only.
   *
   * @example
   * .window('w', windows.tumbling({ size: 1000, time: (r) => r.ts })).lateTo(sinks.jsonl('late.jsonl'))
   */
  lateTo(sink: Sink<T>): WindowedStream<T, S, K> {
    const where = `pipeline '${this.pipelineId}': window '${this.windowName}'`
    if ((sink as { kind?: string } | undefined)?.kind !== 'sink') {
      throw new InvalidOptionError('sink', `${where}: .lateTo needs a sink, e.g. .lateTo(sinks.jsonl('late.jsonl'))`)
    }
    if (this.window.time !== 'event') {
      throw new PipelineDefinitionError(`${where} (${this.window.description}) has no late records — only event-time windows ` +
        `(tumbling, sliding, session) do; remove .lateTo`, this.windowName)
    }
    if (this.lateSink) throw new PipelineDefinitionError(`${where} has a late sink already; call .lateTo once`, this.windowName)
    return new WindowedStream<T, S, K>(this.pipelineId, this.windowName, this.window, this.keyed, sink, this.add)
  }

  /**
   * Not a step of a window: a window ends with `.aggregate(...)`, whose results go on to a sink.
   * Here so that a call from plain JavaScript fails saying so, not as "sink is not a function".
   */
  sink(...none: never[]): never {
    void none
    throw new PipelineDefinitionError(`pipeline '${this.pipelineId}': window '${this.windowName}' is followed by .sink; a window ends with ` +
      `.aggregate(name, aggregates), whose results go on: .window('${this.windowName}', …).aggregate('stats', { n: agg.count() }).sink(name, sink)`, this.windowName)
  }

  /**
   * Per window, runs each aggregator over the window's records and emits
   * `{ key, windowStart, windowEnd, ...results }`. Names `key`, `windowStart`, `windowEnd` and `__proto__` are refused.
   *
   * @example
   * .aggregate('stats', { n: agg.count(), mean: agg.avg((r) => r.value), p99: agg.percentile((r) => r.value, 99) })
   */
  aggregate<A extends Record<string, AggregatorOf<T>>>(name: string, aggregates: A, options?: StepOptions): Pipeline<WindowResult<AggregateFields<A>, K>, S, null> {
    requireName('aggregate', name)
    if (typeof aggregates !== 'object' || aggregates === null || Array.isArray(aggregates) || Object.keys(aggregates).length === 0) {
      throw new InvalidOptionError('aggregates', `step '${name}': .aggregate(name, aggregates) needs an object of aggregators, ` +
        `e.g. { n: agg.count(), total: agg.sum((r) => r.value) }`)
    }
    for (const [field, a] of Object.entries(aggregates)) {
      if (RESERVED.has(field)) {
        throw new InvalidOptionError(`aggregates.${field}`, `step '${name}': aggregate name '${field}' is reserved — every window result ` +
          `has key, windowStart and windowEnd; name it otherwise, e.g. '${field}Agg'`)
      }
      if (field === '__proto__') {
        throw new InvalidOptionError(`aggregates.${field}`, `step '${name}': aggregate name '__proto__' cannot be a field of a result ` +
          `(setting it sets the result's prototype); name it otherwise, e.g. 'protoAgg'`)
      }
      if (!isAggregator(a)) {
        const hint = typeof a === 'function' ? ` — call it: agg.${(a as { name?: string }).name || 'count'}(...)` : ', e.g. agg.sum((r) => r.value)'
        throw new InvalidOptionError(`aggregates.${field}`, `step '${name}': aggregates.${field} must be an aggregator${hint}`)
      }
    }
    return this.step(name, { kind: 'aggregate', aggregates }, options)
  }

  /**
   * Per window, folds its records in order — `acc = fn(acc, record)` from `init()` — and emits
   * `{ key, windowStart, windowEnd, value }`. Where records leave a window (length, time, sort) or
   * windows merge (session), the fold runs over the window's records at each emission.
   *
   * @example
   * .reduce('longest', (best, r) => (r.ms > best ? r.ms : best), () => 0)
   */
  reduce<V>(name: string, fn: (acc: V, record: T) => V, init: () => V, options?: StepOptions): Pipeline<WindowResult<{ readonly value: V }, K>, S, null> {
    requireName('reduce', name)
    if (typeof fn !== 'function' || typeof init !== 'function') {
      throw new InvalidOptionError('fn', `step '${name}': .reduce(name, fn, init) after a window needs two functions, ` +
        `e.g. .reduce('total', (a, r) => a + r.value, () => 0)`)
    }
    return this.step(name, { kind: 'reduce', fn, init }, options)
  }

  /**
   * Per window, emits its records: `{ key, windowStart, windowEnd, records }` (arrival order; sorted
   * for `sort`). Memory grows with the window: prefer `.aggregate` for large ones.
   *
   * @example
   * .collect('batches')
   */
  collect(name: string, options?: StepOptions): Pipeline<WindowResult<{ readonly records: T[] }, K>, S, null> {
    requireName('collect', name)
    return this.step(name, { kind: 'collect' }, options)
  }

  private step(name: string, output: WindowOutput, options: StepOptions | undefined): Pipeline<any, any, any> {
    if (!this.keyed && options?.parallelism !== undefined && options.parallelism !== 1) {
      throw new PipelineDefinitionError(`pipeline '${this.pipelineId}': window step '${name}' is not keyed, so it runs as one instance ` +
        `(key null); remove options.parallelism, or add .keyBy(...) before .window`, name)
    }
    const spec: StepSpec = { kind: 'window', window: this.window as Window, windowName: this.windowName, output, lateTo: this.lateSink as Sink<unknown> | undefined }
    return this.add(name, spec, options)
  }
}

function isAggregator(a: unknown): a is Aggregator<any, any> {
  const x = a as Partial<Aggregator<any, any>> | null
  return typeof x === 'object' && x !== null && typeof x.kind === 'string' && typeof x.create === 'function' &&
    typeof x.add === 'function' && typeof x.evict === 'function' && typeof x.merge === 'function' && typeof x.result === 'function'
}
