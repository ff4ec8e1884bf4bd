// Shared by the window tests (not a test file itself). Every test pipeline is the fixture
// test/fixtures/windows/window-pipeline.ts, built from plain params, so the oracle tests also run
// on worker threads: OXIFLOW_TEST_WORKERS=2 (event-time oracles then take per-instance watermarks).
import fc from 'fast-check'
import type { Sink, Source, VirtualClock } from '../../../index.ts'
import { buildWindowPipeline, fold, type OutputKind, type Rec, type WindowCase } from '../../fixtures/windows/window-pipeline.ts'
import type { OracleResult } from './oracle.ts'

export { aggregates, fold, makeWindow, type OutputKind, type WindowCase, type WindowParams } from '../../fixtures/windows/window-pipeline.ts'

/** Worker threads the window tests run on (0: inline). Processing-time tests always run inline (virtual clock). */
export const WORKERS = Number(process.env.OXIFLOW_TEST_WORKERS ?? 0)

/**
 * fast-check runs for a property: as given inline; far fewer on workers, where each run starts
 * threads (about 2 s), with the test's timeout raised to match.
 */
export function runs(t: { timeout(ms: number): void }, inline: number): { numRuns: number } {
  if (WORKERS === 0) return { numRuns: inline }
  const numRuns = Math.max(3, Math.ceil(inline / 20))
  t.timeout(numRuns * 10_000)
  return { numRuns }
}

const fixture = new URL('../../fixtures/windows/window-pipeline.ts', import.meta.url).href

/** The output fields the oracle expects for a window's records (in the order aggregates see them). */
export function expectedFields(kind: OutputKind, records: readonly Rec[]): Record<string, unknown> {
  if (kind === 'collect') return { records: [...records] }
  if (kind === 'reduce') return { value: records.reduce(fold, 1) }
  const vs = records.map((r) => r.v)
  const total = vs.reduce((a, b) => a + b, 0)
  const sorted = [...vs].sort((a, b) => a - b)
  if (kind === 'columns') return { n: vs.length, total, lo: Math.min(...vs), hi: Math.max(...vs), mean: total / vs.length }
  return {
    n: vs.length,
    total,
    lo: Math.min(...vs),
    hi: Math.max(...vs),
    mean: total / vs.length,
    head: records[0].id,
    tail: records[records.length - 1].id,
    kinds: new Set(vs.map((v) => v % 3)).size,
    median: sorted[Math.max(1, Math.ceil((50 * vs.length) / 100)) - 1],
  }
}

/** The oracle's windows as output records. */
export function expectedOutput(kind: OutputKind, oracle: OracleResult): Record<string, unknown>[] {
  return oracle.windows.map((w) => ({ key: w.key, windowStart: w.windowStart, windowEnd: w.windowEnd, ...expectedFields(kind, w.records) }))
}

/** Records grouped by key, each key's in order: what must match for any parallelism. */
export function byKey(records: readonly unknown[]): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {}
  for (const r of records) (out[String((r as { key: unknown }).key)] ??= []).push(r)
  return out
}

/** A sink that appends to an array the test holds (for sinks the window step opens itself). */
export function arraySink<T>(into: T[]): Sink<T> {
  return { kind: 'sink', description: 'array', open: () => ({ write(rs) { for (const r of rs) into.push(r) } }) }
}

/**
 * A source that moves `clock` to `arrival[i]` before handing out record i, one record per read,
 * so processing-time windows see each record at its arrival time.
 */
export function arrivingSource(input: readonly Rec[], clock: VirtualClock, arrival: readonly number[]): Source<Rec> {
  return {
    kind: 'source',
    description: 'arriving',
    bounded: true,
    open: () => {
      let i = 0
      return {
        read() {
          if (i >= input.length) return undefined
          clock.advance(arrival[i] - clock.now())
          return [input[i++]]
        },
        position: () => i,
      }
    },
  }
}

/**
 * Runs a case: on WORKERS worker threads when set (late records are then only counted — the late
 * sink runs on a worker), else inline with the late records collected, or on `clock` with an
 * arriving source (processing time, inline).
 */
export async function runWindow(c: WindowCase, options: { batchSize?: number; clock?: VirtualClock; arrival?: readonly number[] } = {}):
  Promise<{ out: unknown[]; late: Rec[] | undefined; lateCount: number | undefined }> {
  if (WORKERS > 0 && !options.clock) {
    const s = await buildWindowPipeline(c).run({ workers: WORKERS, module: fixture, params: c, batchSize: options.batchSize }).done
    return { out: s.results.out as unknown[], late: undefined, lateCount: s.steps['out-w'].late }
  }
  const late: Rec[] = []
  const event = c.window.type === 'tumbling' || c.window.type === 'sliding' || c.window.type === 'session'
  const source = options.clock ? arrivingSource(c.input, options.clock, options.arrival!) : undefined
  const p = buildWindowPipeline(c, source, event ? arraySink(late) : undefined)
  const s = await p.run({ batchSize: options.batchSize, ...(options.clock && { clock: options.clock }) }).done
  return { out: s.results.out as unknown[], late: event ? late : undefined, lateCount: s.steps['out-w'].late }
}

/** Random records: 3 keys, small integer values, event times up to `timeSpread` apart, up to `disorder` behind. */
export function recordsArb(options: { maxLength?: number; timeSpread?: number; disorder?: number } = {}): fc.Arbitrary<Rec[]> {
  const spread = options.timeSpread ?? 10
  const disorder = options.disorder ?? 0
  return fc.array(fc.record({
    k: fc.constantFrom('a', 'b', 'c'),
    v: fc.integer({ min: -20, max: 20 }),
    step: fc.integer({ min: 0, max: spread }),
    back: fc.integer({ min: 0, max: disorder }),
  }), { maxLength: options.maxLength ?? 40 }).map((xs) => {
    let t = 1_000
    return xs.map((x, id) => {
      t += x.step
      return { k: x.k, v: x.v, t: t - x.back, id }
    })
  })
}

/** The output kinds, drawn by fast-check. */
export const outputKindArb: fc.Arbitrary<OutputKind> = fc.constantFrom('aggregate', 'reduce', 'collect', 'columns')
