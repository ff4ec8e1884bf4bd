import type { Oxi } from '../contracts/oxi.ts'
import type { Sink } from '../contracts/sink.ts'
import type { Source } from '../contracts/source.ts'
import type { Window } from '../contracts/window.ts'
import { PipelineDefinitionError } from '../errors/pipeline-definition-error.ts'
import { InvalidOptionError } from '../errors/invalid-option-error.ts'
import { keySelector, type Key } from '../key-groups/key.ts'
import { KEYED_KINDS, type KeySelector, type Partitioning, type StepNode, type StepSpec } from '../graph/step-spec.ts'
import { PipelineGraph } from '../graph/pipeline-graph.ts'
import type { StepOptions } from '../graph/step-options.ts'
import type { Job, SinkEntry } from '../contracts/job.ts'
import { resolveRunOptions, RUN_OPTIONS, type RunOptions } from '../job/run-options.ts'
import { describeGraph, type PlanOptions } from '../describe/describe-graph.ts'
import type { PlanDescription } from '../plan/plan-description.ts'
import { startJob } from '../job/start-job.ts'
import { checkName, requireName } from '../graph/step-name.ts'
import { checkKnownOptions, invalidOption, nearKey, shown } from '../option-checks.ts'
import { WindowedStream } from './windowed-stream.ts'

/** The keyBy in effect for the records at a view's tail. */
interface KeyState {
  readonly fn: KeySelector
  /** True once records have been exchanged by key (the step after keyBy); filters keep it. */
  readonly partitioned: boolean
}

type Named<F> = [name: string, fn: F, options?: StepOptions] | [fn: F, options?: StepOptions]

/**
 * A pipeline under construction, viewed at one step (its tail). Every builder method adds a step
 * after the tail and returns a view of the new step, so branches are plain variables.
 * `run()` on any view runs the whole pipeline.
 *
 * Type parameters: `T` is the record type at the tail; `S` maps the sinks this chain added
 * (`.sink(name, sink)`) to their results, which `run()` types into `summary.results`; `K` is the
 * key of the keyBy in effect (`null` when the stream is not keyed), which window and reduce
 * results carry. `Pipeline<T>` alone fits any view of records T.
 *
 * @example
 * const p = pipeline('clicks')
 *   .source('events', sources.generator({ seed: 1, count: 1000 }))
 *   .keyBy((r) => r.key)
 *   .reduce('totals', (n: number) => n + 1, () => 0)
 *   .sink('out', sinks.collect())
 * const { results } = await p.run().done // results.out: { key: string; value: number }[]
 */
export class Pipeline<T = unknown, S = {}, K = unknown> {
  /** @internal Use `pipeline(id)`. */
  constructor(
    /** @internal The steps added so far, shared by every view of this pipeline. */
    readonly graph: PipelineGraph,
    private readonly tail: StepNode | undefined = undefined,
    private readonly keyState: KeyState | undefined = undefined,
  ) {}

  /** The pipeline's id. */
  get id(): string {
    return this.graph.id
  }

  /** Adds a source; call it on the pipeline itself (`p.source(...)`), once per input. */
  source<R>(name: string, source: Source<R>, options?: StepOptions): Pipeline<R, S, null> {
    requireName('source', name)
    if (this.tail) {
      throw new PipelineDefinitionError(`pipeline '${this.id}': source '${name}' must be added on the pipeline itself, not after step '${this.tail.name}'; ` +
        `write const p = pipeline('${this.id}'); const a = p.source(...); const b = p.source(...); a.union(b)`, name)
    }
    if ((source as { kind?: string } | undefined)?.kind !== 'source') {
      throw new InvalidOptionError('source', `pipeline '${this.id}': source '${name}' must be a source, e.g. sources.jsonl('in.jsonl')`)
    }
    const node = this.graph.add(name, { kind: 'source', source: source as Source<unknown> }, [], { kind: 'forward' }, undefined, options)
    return new Pipeline<R, S, null>(this.graph, node)
  }

  /** Transforms each record. */
  map<R>(...args: Named<(record: T) => R>): Pipeline<R, S, null> {
    const [name, fn, options] = named('map', args)
    return this.append(name, { kind: 'map', fn }, options)
  }

  /** Transforms each record with an async function; up to `concurrency` calls run at once, output keeps input order. */
  mapAsync<R>(...args: [name: string, fn: (record: T) => Promise<R>, options?: StepOptions & { concurrency?: number }] |
    [fn: (record: T) => Promise<R>, options?: StepOptions & { concurrency?: number }]): Pipeline<R, S, null> {
    const [name, fn, options] = named('mapAsync', args) as [string | undefined, (record: T) => Promise<R>, (StepOptions & { concurrency?: number }) | undefined]
    const concurrency = options?.concurrency ?? 1
    if (!(Number.isInteger(concurrency) && concurrency >= 1)) {
      throw invalidOption(`step '${name ?? 'mapAsync'}'`, 'concurrency', 'a positive integer', concurrency)
    }
    return this.append(name, { kind: 'mapAsync', fn, concurrency }, options)
  }

  /**
   * Keeps the records for which `fn` returns a truthy value. Keeps the stream keyed. A type guard
   * narrows the records: `.filter((r): r is Admin => r.role === 'admin')` gives `Pipeline<Admin>`.
   *
   * @example
   * p.source('in', src).filter((r) => r.value > 0.5)
   */
  filter<U extends T>(...args: Named<(record: T) => record is U>): Pipeline<U, S, K>
  filter(...args: Named<(record: T) => unknown>): Pipeline<T, S, K>
  filter(...args: Named<(record: T) => unknown>): Pipeline<T, S, K> {
    const [name, fn, options] = named('filter', args)
    return this.append(name, { kind: 'filter', fn }, options)
  }

  /** Maps each record to zero or more records (any iterable). */
  flatMap<R>(...args: Named<(record: T) => Iterable<R>>): Pipeline<R, S, null> {
    const [name, fn, options] = named('flatMap', args)
    return this.append(name, { kind: 'flatMap', fn }, options)
  }

  /**
   * Partitions the stream by `key`: the next step receives every record of a key on the same
   * instance, in order. Not a step of its own (it names the exchange into the next step).
   * A key is a string, a number, a boolean or a bigint (runtime/key-groups/key.ts); anything else
   * fails the step at the first such record, whatever its `onError`; the type says so up front.
   *
   * @example
   * p.source('in', src).keyBy((r) => r.user).reduce('n', (n: number) => n + 1, () => 0) // records { key: string; value: number }
   */
  keyBy<NK extends Key>(key: (record: T) => NK): Pipeline<T, S, NK> {
    this.requireTail('keyBy')
    if (typeof key !== 'function') {
      throw new InvalidOptionError('key', `pipeline '${this.id}': keyBy after '${this.tail!.name}' needs a function, e.g. .keyBy((r) => r.userId)`)
    }
    // Checked once here, so routing and the keyed step's state lookup see the same canonical key.
    return new Pipeline<T, S, NK>(this.graph, this.tail, { fn: keySelector(key), partitioned: false })
  }

  /** Groups records into arrays of `size`; a partial group is sent after `maxWaitMs` (job clock) or at the end of input. */
  batch(name: string, options: { size: number; maxWaitMs?: number } & StepOptions): Pipeline<T[], S, null> {
    requireName('batch', name)
    if (typeof options !== 'object' || options === null) {
      throw new InvalidOptionError('options', `step '${name}': .batch takes its options as an object, e.g. .batch('${name}', { size: ${Number.isInteger(options) ? options : 100} }) (got ${shown(options)})`)
    }
    const size = options.size
    if (!(Number.isInteger(size) && size >= 1)) {
      throw invalidOption(`step '${name}'`, 'size', 'a positive integer', size)
    }
    const wait = options.maxWaitMs
    if (wait !== undefined && !(Number.isFinite(wait) && wait > 0)) {
      throw invalidOption(`step '${name}'`, 'maxWaitMs', 'a positive number of milliseconds', wait)
    }
    return this.append(name, { kind: 'batch', size, maxWaitMs: wait }, options)
  }

  /** Runs a user-defined operator (an Oxi, or a factory making one per parallel instance). */
  process<R>(name: string, oxi: Oxi<T, R> | (() => Oxi<T, R>), options?: StepOptions): Pipeline<R, S, null> {
    requireName('process', name)
    if (!(typeof oxi === 'function' || (typeof oxi === 'object' && oxi !== null && typeof oxi.onBatch === 'function'))) {
      throw new InvalidOptionError('oxi', `step '${name}': .process needs an Oxi ({ onBatch(records, ctx) { ... } }) or a function returning one${nearKey(oxi, 'onBatch')}`)
    }
    return this.append(name, { kind: 'process', oxi: oxi as Oxi | (() => Oxi) }, options)
  }

  /** Per key, folds records into an accumulator and emits `{ key, value }` after each record. Needs keyBy. */
  reduce<A>(name: string, fn: (acc: A, record: T) => A, init: () => A, options?: StepOptions): Pipeline<{ key: K; value: A }, S, null> {
    requireName('reduce', name)
    if (typeof fn !== 'function' || typeof init !== 'function') {
      throw new InvalidOptionError('fn', `step '${name}': .reduce(name, fn, init) needs two functions, e.g. .reduce('sum', (a, r) => a + r.value, () => 0)`)
    }
    return this.append(name, { kind: 'reduce', fn, init }, options)
  }

  /**
   * Cuts the stream into windows, per key after keyBy (else one unkeyed window, key null); follow
   * with `.aggregate`, `.reduce` or `.collect`, which add the step. See docs/windows.md.
   *
   * @example
   * p.source('in', src).keyBy((r) => r.user).window('w', windows.lengthBatch(100)).aggregate('stats', { n: agg.count() })
   */
  window(name: string, window: Window<T>): WindowedStream<T, S, K> {
    requireName('window', name)
    checkName('window', name, this.id)
    this.requireTail('window')
    if ((window as { kind?: string } | undefined)?.kind !== 'window') {
      throw new InvalidOptionError('window', `pipeline '${this.id}': window '${name}' needs a window, e.g. .window('${name}', windows.lengthBatch(100))`)
    }
    return new WindowedStream<T, S, K>(this.id, name, window, this.keyState !== undefined, undefined, (n, spec, options) => this.append(n, spec, options))
  }

  /** Merges this stream with others of the same pipeline (each stream once: PipelineDefinitionError for one given twice). */
  union(...args: [name: string, ...others: Pipeline<T>[]] | Pipeline<T>[]): Pipeline<T, S, null> {
    const name = typeof args[0] === 'string' ? args[0] : undefined
    const others = (typeof args[0] === 'string' ? args.slice(1) : args) as Pipeline<T>[]
    const tail = this.requireTail('union')
    if (others.length === 0) throw new PipelineDefinitionError(`pipeline '${this.id}': union after '${tail.name}' needs at least one other stream`)
    const inputs: StepNode[] = [tail]
    for (const o of others) {
      if (!(o instanceof Pipeline) || o.graph !== this.graph || !o.tail) {
        throw new PipelineDefinitionError(`pipeline '${this.id}': union after '${tail.name}' takes streams of the same pipeline; ` +
          `build both from one pipeline object: const p = pipeline('${this.id}'); p.source(...).union(p.source(...))`)
      }
      if (o.tail.spec.kind === 'sink') this.refuseAfterSink(o.tail, 'union')
      // One stream twice gave each of its records twice: a slip, not a merge.
      if (inputs.includes(o.tail)) {
        throw new PipelineDefinitionError(`pipeline '${this.id}': union after '${tail.name}' is given '${o.tail.name}' twice, which would give each of its records twice; ` +
          `union distinct streams (to emit each record twice on purpose: .flatMap((r) => [r, r]))`)
      }
      inputs.push(o.tail)
    }
    const node = this.graph.add(name, { kind: 'union' }, inputs, { kind: 'forward' }, undefined, undefined)
    return new Pipeline<T, S, null>(this.graph, node)
  }

  /**
   * Ends a branch in a sink. Nothing can follow a sink, but `run()` on the view it returns types
   * `summary.results[name]` as the sink's result (`sinks.collect()`: `T[]`). The type is one
   * writer's result: given `parallelism` above 1, a sink whose result is not an array (the broker
   * sinks' counts) gives an array of its instances' results instead.
   *
   * @example
   * const { results } = await p.source('in', sources.iterable([1, 2])).sink('out', sinks.collect()).run().done // results.out: number[]
   */
  sink<N extends string, R = unknown>(name: N, sink: Sink<T, R>, options?: StepOptions): Pipeline<never, S & SinkEntry<N, R>, null> {
    requireName('sink', name)
    if ((sink as { kind?: string } | undefined)?.kind !== 'sink') {
      throw new InvalidOptionError('sink', `pipeline '${this.id}': sink '${name}' must be a sink, e.g. sinks.collect()`)
    }
    return this.append(name, { kind: 'sink', sink: sink as Sink<unknown> }, options)
  }

  /**
   * Plans and starts the whole pipeline. Returns at once; `job.done` resolves with the summary.
   *
   * @example
   * const job = p.run({ workers: 0 }); const summary = await job.done
   */
  run(options: RunOptions = {}): Job<S> {
    return startJob(this.graph, options) as Job<S>
  }

  /**
   * Describes the plan `run(options)` would run — steps, actors, instances and their hosts, key
   * groups, exchanges, state and restore levels — without starting, opening or connecting to
   * anything. Checks the graph and the options as `run` does, with the same errors.
   *
   * @example
   * const d = p.plan({ workers: 2 }); d.actors.map((a) => `${a.steps.join(' → ')} ×${a.parallelism}`)
   */
  plan(options: PlanOptions = {}): PlanDescription {
    // run()'s own checks (`module` matters only to workers that start: none here); run's other options are taken and play no part.
    if (typeof options !== 'object' || options === null) resolveRunOptions(options as never, 'plan(options)') // throws: not an object
    checkKnownOptions('plan(options)', options, { ...RUN_OPTIONS, openOxis: true })
    const checked = resolveRunOptions({ workers: options.workers, maxKeyGroups: options.maxKeyGroups, module: 'oxiflow:plan' }, 'plan(options)')
    const openOxis = (options as PlanOptions | null)?.openOxis
    if (openOxis !== undefined && typeof openOxis !== 'boolean') throw invalidOption('plan(options)', 'openOxis', 'a boolean', openOxis)
    return describeGraph(this.graph, { ...checked, ...(openOxis !== undefined && { openOxis }) })
  }

  private append<R, NS = S, NK = null>(name: string | undefined, spec: StepSpec, options: StepOptions | undefined): Pipeline<R, NS, NK> {
    const tail = this.requireTail(spec.kind)
    const label = name ?? spec.kind
    const key = this.keyState
    if (KEYED_KINDS.has(spec.kind) && !key) {
      throw new PipelineDefinitionError(`pipeline '${this.id}': step '${label}' (${spec.kind}) needs a keyed stream: ` +
        `add .keyBy((r) => r.someKey) right before it`, label)
    }
    const partitioning: Partitioning = key && !key.partitioned ? { kind: 'hash', key: key.fn } : { kind: 'forward' }
    const node = this.graph.add(name, spec, [tail], partitioning, key?.fn, options)
    const keepsKey = key && spec.kind === 'filter' ? { fn: key.fn, partitioned: true } : undefined
    return new Pipeline<R, NS, NK>(this.graph, node, keepsKey)
  }

  private requireTail(kind: string): StepNode {
    if (!this.tail) {
      throw new PipelineDefinitionError(`pipeline '${this.id}': ${kind} needs a stream; start with .source(name, source)`)
    }
    if (this.tail.spec.kind === 'sink') this.refuseAfterSink(this.tail, kind)
    return this.tail
  }

  private refuseAfterSink(sink: StepNode, kind: string): never {
    throw new PipelineDefinitionError(`pipeline '${this.id}': cannot add ${kind} after sink '${sink.name}'; a sink ends its branch — ` +
      `keep the step before the sink in a variable and branch from it`, sink.name)
  }
}

/**
 * Starts a pipeline definition. `id` matches `[A-Za-z0-9_-]+` and is stable: it names the
 * pipeline's checkpoints and run record.
 *
 * @example
 * export default pipeline('orders').source('in', sources.jsonl('orders.jsonl')).sink('out', sinks.console())
 */
export function pipeline(id: string): Pipeline<never, {}, null> {
  return new Pipeline<never, {}, null>(new PipelineGraph(id))
}

function named<F>(kind: string, args: Named<F>): [string | undefined, F, StepOptions | undefined] {
  const [name, fn, options] = typeof args[0] === 'string'
    ? [args[0], args[1] as F, args[2] as StepOptions | undefined]
    : [undefined, args[0] as F, args[1] as StepOptions | undefined]
  if (typeof fn !== 'function') {
    throw new InvalidOptionError('fn', `step '${name ?? kind}': .${kind} needs a function`)
  }
  return [name, fn, options]
}
