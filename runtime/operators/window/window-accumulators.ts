import type { Aggregator } from '../../contracts/aggregator.ts'
import type { WindowAccumulator, WindowMode, WindowOutput } from '../../contracts/window.ts'
import { PartialAggregateError } from './partial-aggregate-error.ts'
import { queueShift, type RecordQueue } from './record-queue.ts'
import { rowAccumulation, type RowAccumulation } from './row-accumulation.ts'

/**
 * A window step's accumulator plus how a fired window's output fields are written.
 *
 * @example
 * const out = { key, windowStart, windowEnd }; accumulation.write(out, acc, undefined)
 */
export interface WindowAccumulation<A = unknown> extends WindowAccumulator<A> {
  /** Writes the output fields of a window (`records`: the window's records, mode `sorted`). */
  write(out: Record<string, unknown>, acc: A, records: readonly unknown[] | undefined): void
  /** Present when every field's accumulator has a column form (`.aggregate` of such aggregators). */
  readonly rows?: RowAccumulation
}

/**
 * The accumulation of `.aggregate`, `.reduce` or `.collect` for a window of the given mode.
 *
 * @example
 * const acc = windowAccumulation('stats', { kind: 'collect' }, 'append')
 */
export function windowAccumulation(step: string, output: WindowOutput, mode: WindowMode): WindowAccumulation<any> {
  switch (output.kind) {
    case 'aggregate': {
      if (mode === 'sorted') return sortedAggregates(step, output.aggregates)
      if (mode === 'fifo') return aggregates(step, output.aggregates)
      // Nothing leaves these windows: an aggregator's append-only form is enough.
      const cheap = Object.fromEntries(Object.entries(output.aggregates).map(([n, a]) => [n, a.appendOnly ? { ...a.appendOnly, kind: a.kind, evictsAny: a.evictsAny } : a]))
      return aggregates(step, cheap)
    }
    case 'reduce': return reduce(output.fn, output.init, mode)
    case 'collect': return collect(mode)
  }
}

/**
 * Per field accumulators in an array; adds run the fields that evict any record first, so a throw
 * can be undone. Fields without `evictsAny` (`min`, `max`, `first`, `last`, custom ones) are FIFO-only.
 */
function aggregates(step: string, byName: Readonly<Record<string, Aggregator<any, any>>>): WindowAccumulation<unknown[]> {
  const names = Object.keys(byName)
  const aggs = names.map((n) => byName[n])
  const n = aggs.length
  const undoable = aggs.map((a) => a.evictsAny === true)
  const order = aggs.map((_, i) => i).sort((a, b) => Number(!undoable[a]) - Number(!undoable[b]))
  return {
    create() {
      const acc = new Array<unknown>(n)
      for (let i = 0; i < n; i++) acc[i] = aggs[i].create()
      return acc
    },
    add: compileAdd(aggs, order, (k, acc, record, e) => undo(step, names, aggs, undoable, order, k, acc, record, e)),
    evict(acc, record) {
      for (let i = 0; i < n; i++) acc[i] = aggs[i].evict(acc[i], record)
      return acc
    },
    merge(a, b) {
      for (let i = 0; i < n; i++) a[i] = aggs[i].merge(a[i], b[i])
      return a
    },
    write(out, acc) {
      for (let i = 0; i < n; i++) out[names[i]] = aggs[i].result(acc[i])
    },
    ...(aggs.every((a) => a.columns !== undefined) && { rows: rowAccumulation(names, aggs.map((a) => a.columns!)) }),
  }
}

/**
 * The add of all fields, generated with one call site per aggregator: a loop over the fields
 * makes `aggs[i].add` megamorphic (5 aggregators: measured 22 ns per field per record on
 * workload W), while a site that only ever calls one aggregator is monomorphic and V8 inlines it.
 * Fields are added in `order`; `k` counts those that took the record when one throws. The
 * factory is cached per order, so every window step's add shares one function literal and call
 * sites that see several steps' adds stay inlinable.
 */
function compileAdd(aggs: Aggregator<any, any>[], order: number[],
  onThrow: (k: number, acc: unknown[], record: unknown, e: unknown) => never): (acc: unknown[], record: unknown) => unknown[] {
  const shape = order.join(',')
  let factory = addFactories.get(shape)
  if (!factory) {
    const lines = order.map((i, k) => `acc[${i}] = a${i}.add(acc[${i}], record); k = ${k + 1}`)
    const body = `${aggs.map((_, i) => `const a${i} = aggs[${i}]`).join('\n')}\n` +
      `return function add(acc, record) {\n  let k = 0\n  try {\n    ${lines.join('\n    ')}\n  } catch (e) {\n    onThrow(k, acc, record, e)\n  }\n  return acc\n}`
    // The generated text holds only field indexes, never user input.
    factory = new Function('aggs', 'onThrow', body) as AddFactory
    addFactories.set(shape, factory)
  }
  return factory(aggs, onThrow)
}

type AddFactory = (aggs: Aggregator<any, any>[], onThrow: (k: number, acc: unknown[], record: unknown, e: unknown) => never) => (acc: unknown[], record: unknown) => unknown[]
const addFactories = new Map<string, AddFactory>()

/**
 * Takes `record` back out of the fields `order[0..k)` that added it before `order[k]` threw, then
 * rethrows; fields that cannot take it back make the step fail (PartialAggregateError).
 */
function undo(step: string, names: string[], aggs: Aggregator<any, any>[], undoable: boolean[], order: number[],
  k: number, acc: unknown[], record: unknown, error: unknown): never {
  const stuck = order.slice(0, k).filter((i) => !undoable[i])
  if (stuck.length > 0) throw new PartialAggregateError(step, stuck.map((i) => names[i]), names[order[k]], error)
  for (let j = 0; j < k; j++) acc[order[j]] = aggs[order[j]].evict(acc[order[j]], record)
  throw error
}

/**
 * The sort window evicts its largest record, not its oldest: fields with `evictsAny` follow it
 * incrementally; the others are computed from the window's ≤ n records when it emits (the sort
 * window's output is O(n) per record anyway). Adds still try those fields on a fresh accumulator,
 * so a record they would throw on is refused before it enters the window.
 */
function sortedAggregates(step: string, byName: Readonly<Record<string, Aggregator<any, any>>>): WindowAccumulation<unknown[]> {
  const names = Object.keys(byName)
  const aggs = names.map((n) => byName[n])
  const incremental = aggs.map((a) => a.evictsAny === true)
  const inc = aggregates(step, Object.fromEntries(names.filter((_, i) => incremental[i]).map((n) => [n, byName[n]])))
  const rebuilt = aggs.map((_, i) => i).filter((i) => !incremental[i])
  return {
    create: () => inc.create(),
    add(acc, record) {
      for (const i of rebuilt) aggs[i].add(aggs[i].create(), record)
      return inc.add(acc, record)
    },
    evict: (acc, record) => inc.evict(acc, record),
    merge: (a, b) => inc.merge(a, b),
    write(out, acc, records) {
      const partial: Record<string, unknown> = {}
      inc.write(partial, acc, records)
      for (let i = 0; i < aggs.length; i++) {
        if (incremental[i]) { out[names[i]] = partial[names[i]]; continue }
        let a = aggs[i].create()
        for (const r of records!) a = aggs[i].add(a, r)
        out[names[i]] = aggs[i].result(a)
      }
    },
  }
}

/** A FIFO window's records as accumulator: pushed on add, the oldest shifted out on evict. */
function queueAdd(q: RecordQueue, record: unknown): RecordQueue {
  q.items.push(record)
  return q
}

function queueEvict(q: RecordQueue): RecordQueue {
  queueShift(q)
  return q
}

/**
 * `.reduce(name, fn, init)`: a running fold where records only join (mode `append`); where they
 * leave or windows merge, a fold cannot be undone, so the window's records are kept and folded
 * when it emits.
 */
function reduce(fn: (acc: unknown, record: unknown) => unknown, init: () => unknown, mode: WindowMode): WindowAccumulation<any> {
  const fold = (records: readonly unknown[], from: number): unknown => {
    let acc = init()
    for (let i = from; i < records.length; i++) acc = fn(acc, records[i])
    return acc
  }
  switch (mode) {
    case 'append': return {
      create: init,
      add: (acc, record) => fn(acc, record),
      evict: unsupported, merge: unsupported,
      write(out, acc) { out.value = acc },
    }
    case 'fifo': return {
      create: (): RecordQueue => ({ items: [], head: 0 }),
      add: queueAdd, evict: queueEvict, merge: unsupported,
      write(out, acc: RecordQueue) { out.value = fold(acc.items, acc.head) },
    }
    case 'merge': return {
      create: (): unknown[] => [],
      add: (acc: unknown[], record) => { acc.push(record); return acc },
      evict: unsupported,
      merge: (a: unknown[], b: unknown[]) => { for (const r of b) a.push(r); return a },
      write(out, acc: unknown[]) { out.value = fold(acc, 0) },
    }
    case 'sorted': return {
      create: () => null, add: (acc) => acc, evict: (acc) => acc, merge: unsupported,
      write(out, _acc, records) { out.value = fold(records!, 0) },
    }
  }
}

/** `.collect(name)`: the window's records, in arrival order (window order for `sort`). */
function collect(mode: WindowMode): WindowAccumulation<any> {
  switch (mode) {
    case 'append':
    case 'merge': return {
      create: (): unknown[] => [],
      add: (acc: unknown[], record) => { acc.push(record); return acc },
      evict: unsupported,
      merge: (a: unknown[], b: unknown[]) => { for (const r of b) a.push(r); return a },
      write(out, acc: unknown[]) { out.records = acc.slice() },
    }
    case 'fifo': return {
      create: (): RecordQueue => ({ items: [], head: 0 }),
      add: queueAdd, evict: queueEvict, merge: unsupported,
      write(out, acc: RecordQueue) { out.records = acc.items.slice(acc.head) },
    }
    case 'sorted': return {
      create: () => null, add: (acc) => acc, evict: (acc) => acc, merge: unsupported,
      write(out, _acc, records) { out.records = records!.slice() },
    }
  }
}

function unsupported(): never {
  throw new Error('window accumulation: operation not used by this window mode (a bug in the window)')
}
