import { deepStrictEqual } from 'node:assert/strict'
import test from 'ava'
import fc from 'fast-check'
import { pipeline, sinks, sources, testing, windows, type Pipeline, type Source } from '../../../../index.ts'
import { buildWindowPipeline, type Rec, type WindowCase } from '../../../fixtures/windows/window-pipeline.ts'

// Session windows against the documented rule (docs/windows.md: per key, records at most `gap`
// apart share a session [first, last + gap)), for any batch size and any number of instances.
// The input is out of order by at most maxOutOfOrderness, so no record is late and the rule alone
// decides the output. Replay a failure with SESSION_SEED=<seed printed by the test>.

const fixture = new URL('../../../fixtures/windows/window-pipeline.ts', import.meta.url).href
const seed = Number(process.env.SESSION_SEED ?? Date.now() % 2 ** 31)

/** One session as compared: its key, bounds and the ids of its records, sorted. */
interface Session {
  readonly key: string
  readonly windowStart: number
  readonly windowEnd: number
  readonly ids: number[]
}

/** The documented rule as a plain loop: per key, in time order, a record at most gap after the previous one joins its session. */
function sessionsByRule(input: readonly Rec[], gap: number): Session[] {
  const byKey = new Map<string, Rec[]>()
  for (const r of input) {
    const rs = byKey.get(r.k) ?? []
    byKey.set(r.k, rs)
    rs.push(r)
  }
  const out: { key: string; windowStart: number; windowEnd: number; ids: number[] }[] = []
  for (const [key, rs] of byKey) {
    let current: (typeof out)[number] | undefined
    for (const r of [...rs].sort((a, b) => a.t - b.t)) {
      if (current && r.t - (current.windowEnd - gap) <= gap) current.ids.push(r.id)
      else out.push(current = { key, windowStart: r.t, windowEnd: 0, ids: [r.id] })
      current.windowEnd = r.t + gap
    }
  }
  return sorted(out.map((s) => ({ ...s, ids: s.ids.sort((a, b) => a - b) })))
}

function sorted(sessions: Session[]): Session[] {
  return sessions.sort((a, b) => a.key.localeCompare(b.key) || a.windowStart - b.windowStart || a.windowEnd - b.windowEnd)
}

/**
 * A `.collect` output as sessions; throws unless each key's sessions came out in time order, each
 * once (a throw, not an ava assertion, so that fast-check sees the failure and shrinks it).
 */
function asSessions(out: readonly unknown[]): Session[] {
  const lastStart = new Map<string, number>()
  const sessions = (out as { key: string; windowStart: number; windowEnd: number; records: Rec[] }[]).map((w) => {
    const before = lastStart.get(w.key) ?? -Infinity
    if (!(w.windowStart > before)) throw new Error(`key ${w.key}: a session at ${w.windowStart} was emitted after one at ${before}`)
    lastStart.set(w.key, w.windowStart)
    return { key: w.key, windowStart: w.windowStart, windowEnd: w.windowEnd, ids: w.records.map((r) => r.id).sort((a, b) => a - b) }
  })
  return sorted(sessions)
}

/** Records of up to 5 keys; times step by 0 … gap + 1 (so records exactly gap apart are common), up to `disorder` behind. */
function streamArb(gap: number, disorder: number): fc.Arbitrary<Rec[]> {
  return fc.array(fc.record({
    k: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
    step: fc.oneof(fc.constant(gap), fc.constant(0), fc.integer({ min: 0, max: gap + 1 })),
    back: fc.integer({ min: 0, max: disorder }),
  }), { maxLength: 60 }).map((xs) => {
    let t = 1_000
    return xs.map((x, id) => ({ k: x.k, v: id % 7, t: (t += x.step) - x.back, id }))
  })
}

const caseArb = fc.record({
  gap: fc.integer({ min: 1, max: 5 }),
  maxOutOfOrderness: fc.constantFrom(0, 3, 8),
  allowedLateness: fc.constantFrom(0, 5),
  parallelism: fc.integer({ min: 1, max: 3 }),
  batchSize: fc.integer({ min: 1, max: 12 }),
}).chain((c) => fc.record({ c: fc.constant(c), input: streamArb(c.gap, c.maxOutOfOrderness) }))

test('sessions equal the documented rule for any batch size and parallelism (property, brute-force oracle)', async (t) => {
  t.timeout(120_000)
  t.log(`fast-check seed ${seed} (replay: SESSION_SEED=${seed})`)
  await fc.assert(fc.asyncProperty(caseArb, async ({ c, input }) => {
    const s = await pipeline('sessions').source('in', sources.iterable(input)).keyBy((r) => r.k)
      .window('w', windows.session({ gap: c.gap, time: (r: Rec) => r.t, maxOutOfOrderness: c.maxOutOfOrderness, allowedLateness: c.allowedLateness }))
      .collect('visits', { parallelism: c.parallelism }).sink('out', sinks.collect())
      .run({ batchSize: c.batchSize }).done
    deepStrictEqual(s.steps.visits.late, 0)
    deepStrictEqual(asSessions(s.results.out as unknown[]), sessionsByRule(input, c.gap))
  }), { seed, numRuns: 150 })
  t.pass()
})

test('a record exactly gap after the last joins its session even when another key moved the watermark first', async (t) => {
  // b@10 raises the watermark to 9 before a@10 arrives; a@10 is still 10 = gap after a@0.
  const input: Rec[] = [{ k: 'a', v: 0, t: 0, id: 0 }, { k: 'b', v: 0, t: 10, id: 1 }, { k: 'a', v: 0, t: 10, id: 2 }]
  const s = await buildWindowPipeline({ input, window: { type: 'session', gap: 10, maxOutOfOrderness: 0, allowedLateness: 0 }, kind: 'collect', keyed: true }).run().done
  t.deepEqual(asSessions(s.results.out as unknown[]), [
    { key: 'a', windowStart: 0, windowEnd: 20, ids: [0, 2] },
    { key: 'b', windowStart: 10, windowEnd: 20, ids: [1] },
  ])
})

test('an out-of-order record exactly gap from two sessions bridges them into one', async (t) => {
  const input: Rec[] = [{ k: 'u', v: 0, t: 0, id: 0 }, { k: 'u', v: 0, t: 20, id: 1 }, { k: 'x', v: 0, t: 24, id: 2 }, { k: 'u', v: 0, t: 10, id: 3 }]
  const s = await buildWindowPipeline({ input, window: { type: 'session', gap: 10, maxOutOfOrderness: 14, allowedLateness: 0 }, kind: 'collect', keyed: true }).run({ batchSize: 1 }).done
  t.deepEqual(asSessions(s.results.out as unknown[]), sessionsByRule(input, 10))
  t.is((s.results.out as unknown[]).length, 2)
})

test('stop mid-session, snapshot, restore and continue = the documented rule (property)', async (t) => {
  t.timeout(120_000)
  t.log(`fast-check seed ${seed} (replay: SESSION_SEED=${seed})`)
  await fc.assert(fc.asyncProperty(caseArb, fc.nat(), async ({ c, input }, at) => {
    const window = { type: 'session', gap: c.gap, maxOutOfOrderness: c.maxOutOfOrderness, allowedLateness: c.allowedLateness } as const
    const build = (source: Source<Rec>): Pipeline<unknown> => buildWindowPipeline({ input, window, kind: 'collect', keyed: true }, source)
    const report = await testing.snapshotRestoreEquals(build, input, { at: at % (input.length + 1), run: { batchSize: c.batchSize }, order: 'per-key' })
    if (!report.equal) throw new Error(`restored run differs: ${report.difference}`)
    deepStrictEqual(asSessions([...report.actual.out]), sessionsByRule(input, c.gap))
  }), { seed, numRuns: 60 })
  t.pass()
})

/** Ticks `gap` apart; at each tick every key (in a shuffled order) sends a record with probability 0.8. */
function ticks(keys: number, count: number, gap: number): Rec[] {
  let state = 7
  const rnd = (): number => { state = (state * 1103515245 + 12345) % 2 ** 31; return state / 2 ** 31 }
  const out: Rec[] = []
  for (let tick = 0; tick < count; tick++) {
    const order = Array.from({ length: keys }, (_, i) => i).sort(() => rnd() - 0.5)
    for (const k of order) if (rnd() < 0.8) out.push({ k: `k${k}`, v: out.length % 10, t: 1_000 + tick * gap, id: out.length })
  }
  return out
}

test('sessions are the same inline and on 2 workers, and equal the documented rule', async (t) => {
  t.timeout(60_000)
  const input = ticks(16, 150, 6)
  const c: WindowCase = { input, window: { type: 'session', gap: 6, maxOutOfOrderness: 0, allowedLateness: 0 }, kind: 'collect', keyed: true }
  const expected = sessionsByRule(input, 6)
  const inline = await buildWindowPipeline(c).run({ batchSize: 7 }).done
  t.deepEqual(asSessions(inline.results.out as unknown[]), expected)
  const onWorkers = await buildWindowPipeline(c).run({ workers: 2, module: fixture, params: c, batchSize: 64 }).done
  t.deepEqual(asSessions(onWorkers.results.out as unknown[]), expected)
})
