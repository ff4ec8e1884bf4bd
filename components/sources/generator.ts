import type { Source, SourceContext, SourceReader } from '../../runtime/contracts/source.ts'
import { checkObject, invalidOption } from '../../runtime/option-checks.ts'
import { positionHolder, SOURCE_POSITION } from './position-holder.ts'

/** Options of `sources.generator`. */
export interface GeneratorOptions {
  /** Any integer; the same seed gives the same records. */
  readonly seed: number
  /** Records to produce; omitted: unbounded. */
  readonly count?: number
  /** Records per second on the job's clock; omitted: as fast as downstream pulls. */
  readonly rate?: number
  /** Number of distinct keys `k0`…`k{keys-1}` (default 100). */
  readonly keys?: number
}

/** A generated record: `ts` is 1_700_000_000_000 + id × 10 (epoch ms). */
export interface GeneratedRecord {
  readonly id: number
  readonly key: string
  readonly value: number
  readonly ts: number
}

const START_TS = 1_700_000_000_000
const TWO_32 = 4294967296

/**
 * A deterministic source of pseudo-random records `{ id, key, value, ts }` for tests and
 * benchmarks. Each record is a pure function of (seed, id) — a counter-based generator, the
 * murmur3 finalizer over a Weyl sequence of ids — so the sequence does not depend on batch sizes, and
 * the position to checkpoint is just the next id. `value` is in [0, 1) with 4 decimals.
 *
 * With `rate`, reads are paced on `ctx.clock` (record j after opening is due at j × 1000 / rate
 * ms): a read with nothing due waits on a clock timer, never spinning, and resolves with
 * `undefined` if the job stops meanwhile.
 *
 * @example
 * pipeline('p').source('events', sources.generator({ seed: 1, count: 1000, keys: 10 }))
 */
export function generator(options: GeneratorOptions): Source<GeneratedRecord> {
  const { seed, count, rate, keys = 100 } = validate(options)
  return {
    kind: 'source',
    // What its reader's positionHolder registers (the default format): one position, whatever the options.
    state: [SOURCE_POSITION],
    description: `generator(seed=${seed}${count === undefined ? '' : `, count=${count}`}${rate === undefined ? '' : `, rate=${rate}/s`})`,
    bounded: count !== undefined,
    open: (ctx) => open(ctx, seed, count ?? Infinity, rate, keys),
  }
}

function validate(options: GeneratorOptions): GeneratorOptions {
  checkObject('generator', options, '{ seed: 1, count: 1000 }', { seed: true, count: true, rate: true, keys: true } satisfies Record<keyof GeneratorOptions, true>)
  const { seed, count, rate, keys } = options
  if (!Number.isSafeInteger(seed)) {
    throw invalidOption('generator', 'seed', 'an integer', seed)
  }
  if (count !== undefined && !(Number.isSafeInteger(count) && count >= 0)) {
    throw invalidOption('generator', 'count', 'a non-negative integer', count)
  }
  if (rate !== undefined && !(typeof rate === 'number' && Number.isFinite(rate) && rate > 0)) {
    throw invalidOption('generator', 'rate', 'a positive number of records per second', rate)
  }
  if (keys !== undefined && !(Number.isSafeInteger(keys) && keys >= 1)) {
    throw invalidOption('generator', 'keys', 'a positive integer', keys)
  }
  return options
}

/** murmur3's 32-bit finalizer: a bijection with full avalanche, so consecutive counters look random. */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

function open(ctx: SourceContext, seed: number, end: number, rate: number | undefined, keys: number): SourceReader<GeneratedRecord> {
  // Seeds beyond 32 bits fold their high part in, so 1 and 2**32 + 1 differ.
  const s = fmix32((seed | 0) ^ fmix32(Math.floor(seed / TWO_32) | 0))
  // Key strings are built once when there are few of them (5M records → no 5M template strings).
  const names = keys <= 65536 ? Array.from({ length: keys }, (_, i) => `k${i}`) : undefined
  let next = 0
  // Pacing: records emitted since `paceStart` (reset by restore, so a resumed job does not burst).
  let paceStart = ctx.clock.now()
  let paced = 0

  const record = (id: number): GeneratedRecord => {
    // A Weyl step (odd multiplier: distinct ids, distinct inputs); the high part of id keeps ids ≥ 2^31 distinct.
    const h1 = fmix32((s + Math.imul(id & 0x7fffffff, 0x9e3779b9) + Math.imul((id / 0x80000000) | 0, 0x632be5ab)) | 0)
    const h2 = fmix32((h1 + 0x6a09e667) | 0)
    const k = Math.floor((h1 / TWO_32) * keys)
    const value = Math.floor((h2 / TWO_32) * 10000) / 10000
    return { id, key: names === undefined ? `k${k}` : names[k], value, ts: START_TS + id * 10 }
  }

  const batch = (n: number): GeneratedRecord[] => {
    const out = new Array<GeneratedRecord>(n)
    for (let i = 0; i < n; i++) out[i] = record(next + i)
    next += n
    paced += n
    return out
  }

  /** Resolves when the next record is due or the job stops; the caller then reads again. */
  const waitForDue = (r: number): Promise<void> => new Promise((resolve) => {
    const dueAt = paceStart + (paced * 1000) / r
    let cancel = () => {}
    const onAbort = () => { cancel(); resolve() }
    // At least 1 ms: if rounding says "not due yet" at the due time, the retry waits instead of spinning.
    cancel = ctx.clock.setTimer(Math.max(1, Math.ceil(dueAt - ctx.clock.now())), () => {
      ctx.signal.removeEventListener('abort', onAbort)
      resolve()
    })
    ctx.signal.addEventListener('abort', onAbort, { once: true })
  })

  const holder = positionHolder<number>(`${ctx.step}/${SOURCE_POSITION.name}`, () => next, (id) => {
    next = id
    paceStart = ctx.clock.now()
    paced = 0
  }, (st) => Number.isSafeInteger(st) && (st as number) >= 0 ? undefined : 'expected the next id, a non-negative integer')

  const read = (max: number): readonly GeneratedRecord[] | undefined | Promise<readonly GeneratedRecord[] | undefined> => {
    const left = end - next
    if (left <= 0) return undefined
    if (rate === undefined) return batch(Math.min(max, left))
    if (ctx.signal.aborted) return undefined
    const due = Math.floor(((ctx.clock.now() - paceStart) * rate) / 1000) + 1 - paced
    if (due <= 0) return waitForDue(rate).then(() => read(max))
    return batch(Math.min(max, left, due))
  }

  return { read, position: () => next, holders: () => [holder] }
}
