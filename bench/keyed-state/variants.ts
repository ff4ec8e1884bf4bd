/**
 * The kinds of keyed state the keyed-state benches measure, each with the state a user
 * would hold by hand for the same records (the Map a hand-written `v8.serialize` is timed on):
 * - `tumbling`: tumbling(1 year) with { count, sum, avg, max } — per key one window, numbers only;
 * - `tumblingFractional`: the same over fractional values (value / 8 + 0.1): sums and maxima are
 *   not int32 and sums carry compensation terms, so fewer columns are int32 or constant;
 * - `distinctCount`: the same plus `distinctCount(value)` — a Map of values per key;
 * - `length`: sliding `length(10)` with the same four aggregates — the window holds the key's
 *   3 records (the records of a record-holding window);
 * - `session`: `session({ gap: 1 year })` with the same four — one open session per key;
 * - `oxiValue`: a `.process` Oxi keeping { n, total, mean, top } per key in
 *   `ctx.state.value` (the per-key state API), not a window.
 * The 1-year sizes keep every window open: the state holds all N keys when the checkpoint runs.
 */
import { agg, windows, type AggregatorOf, type Pipeline, type StepOptions, type ValueState, type Window } from '../../index.ts'
import { recordAt, type Ev } from './filling-source.ts'

const YEAR = 365 * 24 * 3600 * 1000

/** One kind of state. */
export interface StateVariant {
  readonly name: string
  readonly description: string
  /** Adds the stateful step, named 'stats', after the keyBy, with `options` (parallelism). */
  attach(keyed: Pipeline<Ev, any, any>, options?: StepOptions): Pipeline<any, any, any>
  /** What a user would keep by hand for the first `total` records of the fill of `keys` keys. */
  handState(keys: number, total: number): Map<string, unknown>
}

const four = () => ({ count: agg.count(), sum: agg.sum((r: Ev) => r.value), avg: agg.avg((r: Ev) => r.value), max: agg.max((r: Ev) => r.value) })
const time = (r: Ev): number => r.ts
const windowed = (window: () => Window<Ev>, aggregates: () => Record<string, AggregatorOf<Ev>>) =>
  (keyed: Pipeline<Ev, any, any>, options?: StepOptions) => keyed.window('w', window()).aggregate('stats', aggregates(), options)

interface Stats { n: number; total: number; mean: number; top: number }

/** Walks the records of the fill in order, calling `fold(key, record)`. */
function eachRecord(keys: number, total: number, fold: (key: string, r: Ev) => void): void {
  for (let seq = 0; seq < total; seq++) {
    const { index, value, ts } = recordAt(keys, seq)
    const key = `k${index}`
    fold(key, { key, value, ts })
  }
}

const fractional = (r: Ev): number => r.value / 8 + 0.1

function statsState(keys: number, total: number, extra: (s: Stats & Record<string, unknown>, r: Ev) => void = () => {},
  valueOf: (r: Ev) => number = (r) => r.value): Map<string, Stats> {
  const state = new Map<string, Stats & Record<string, unknown>>()
  eachRecord(keys, total, (key, r) => {
    let s = state.get(key)
    if (!s) state.set(key, s = { n: 0, total: 0, mean: 0, top: -Infinity })
    const value = valueOf(r)
    s.n++
    s.total += value
    s.mean = s.total / s.n
    if (value > s.top) s.top = value
    extra(s, r)
  })
  return state
}

/**
 * Every variant, by name.
 *
 * @example
 * stateVariants.find((v) => v.name === 'session')!.handState(1000, 3000).size // 1000
 */
export const stateVariants: readonly StateVariant[] = [
  {
    name: 'tumbling', description: 'tumbling(1 year) { count, sum, avg, max }',
    attach: windowed(() => windows.tumbling({ size: YEAR, time }), four),
    handState: (keys, total) => statsState(keys, total),
  },
  {
    name: 'tumblingFractional', description: 'tumbling(1 year) { count, sum, avg, max } of value / 8 + 0.1',
    attach: windowed(() => windows.tumbling({ size: YEAR, time }),
      () => ({ count: agg.count(), sum: agg.sum(fractional), avg: agg.avg(fractional), max: agg.max(fractional) })),
    handState: (keys, total) => statsState(keys, total, undefined, fractional),
  },
  {
    name: 'distinctCount', description: 'tumbling(1 year) { count, sum, avg, max, distinctCount(value) }',
    attach: windowed(() => windows.tumbling({ size: YEAR, time }), () => ({ ...four(), distinct: agg.distinctCount((r: Ev) => r.value) })),
    // The accumulator a user would keep: value → how many records have it.
    handState: (keys, total) => statsState(keys, total, (s, r) => {
      const d = (s.distinct ??= new Map<number, number>()) as Map<number, number>
      d.set(r.value, (d.get(r.value) ?? 0) + 1)
    }),
  },
  {
    name: 'length', description: 'length(10) { count, sum, avg, max }: the window holds the key\'s records',
    attach: windowed(() => windows.length(10) as Window<Ev>, four),
    handState: (keys, total) => statsState(keys, total, (s, r) => { ((s.records ??= []) as Ev[]).push(r) }),
  },
  {
    name: 'session', description: 'session({ gap: 1 year }) { count, sum, avg, max }',
    attach: windowed(() => windows.session({ gap: YEAR, time }), four),
    handState: (keys, total) => statsState(keys, total, (s, r) => {
      s.start ??= r.ts
      s.end = r.ts + YEAR
    }),
  },
  {
    name: 'oxiValue', description: '.process Oxi with ctx.state.value({ n, total, mean, top }) per key',
    attach: (keyed, options) => keyed.process('stats', () => {
      let stats: ValueState<Stats, Ev>
      return {
        open(ctx) { stats = ctx.state.value<Stats>('stats') },
        onBatch(records) {
          for (const r of records) {
            const s = stats.get(r)
            const n = (s?.n ?? 0) + 1
            const total = (s?.total ?? 0) + r.value
            stats.set(r, { n, total, mean: total / n, top: Math.max(s?.top ?? -Infinity, r.value) })
          }
        },
      }
    }, options),
    handState: (keys, total) => statsState(keys, total),
  },
]

/**
 * The variants named in `BENCH_KS_VARIANTS` (comma-separated; default: all). An unknown name throws, listing the known ones.
 *
 * @example
 * chosenVariants('tumbling,length').map((v) => v.name) // ['tumbling', 'length']
 */
export function chosenVariants(list: string | undefined): StateVariant[] {
  if (list === undefined || list.trim() === '') return [...stateVariants]
  return list.split(',').map((name) => {
    const v = stateVariants.find((s) => s.name === name.trim())
    if (!v) throw new Error(`BENCH_KS_VARIANTS: unknown variant '${name.trim()}'; known: ${stateVariants.map((s) => s.name).join(', ')}`)
    return v
  })
}
