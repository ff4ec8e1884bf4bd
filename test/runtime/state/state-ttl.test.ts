import test from 'ava'
import fc from 'fast-check'
import { pipeline, sinks, virtualClock, type Oxi, type Source, type ValueState, type VirtualClock } from '../../../index.ts'
import type { OperatorContext } from '../../../runtime/operators/operator.ts'
import { ProcessOperator } from '../../../runtime/operators/process-operator.ts'
import { unpackGroup, type KeyedStateSnapshot } from '../../../runtime/state/keyed-snapshot.ts'

// TTL: processing time on a virtual clock moved by the source before each record (no real
// waiting), checked against a plain loop; event time against the watermarks the step receives.
const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31)
type Rec = { key: string; gap: number; ts: number }

/** One record per read, the clock moved by `gap` before it; `tail` ms more before the end. */
function pacedSource(input: readonly Rec[], clock: VirtualClock, tail: number): Source<Rec> {
  return {
    kind: 'source', description: 'paced', bounded: true,
    open: () => {
      let next = 0
      return {
        position: () => next,
        read: () => {
          if (next === input.length) { clock.advance(tail); next++; return [] }
          if (next > input.length) return undefined
          clock.advance(input[next].gap)
          return [input[next++]]
        },
      }
    },
  }
}

/** Counts per key, the count forgotten `ms` after the key's last record. */
function counter(ttl: { ms: number; time?: 'processing' | 'event' }): Oxi<Rec, { key: string; n: number }> {
  let n: ValueState<number, Rec>
  return {
    open(ctx) { n = ctx.state.value('n', { ttl: { ...ttl, timestamp: (r: Rec) => r.ts } }) },
    onBatch(rs, ctx) {
      for (const r of rs) {
        const c = (n.get(r) ?? 0) + 1
        n.set(r, c)
        ctx.emit({ key: r.key, n: c })
      }
    },
    onWatermark(wm, ctx) { for (const [key, c] of n.entries()) ctx.emit({ key: `live@${wm}:${String(key)}`, n: c }) },
  }
}

test('processing-time TTL: a key\'s value expires ms after its last write on the job clock (plain loop); a snapshot keeps no expired entry', async (t) => {
  t.log(`fast-check seed ${seed} (rerun with FC_SEED=${seed})`)
  const arb = fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c'), gap: fc.integer({ min: 0, max: 40 }), ts: fc.constant(0) }), { maxLength: 40 })
  await fc.assert(fc.asyncProperty(arb, fc.integer({ min: 1, max: 60 }), async (input, ms) => {
    const clock = virtualClock(1_000)
    const p = pipeline('ttl')
    p.source('in', pacedSource(input, clock, 10_000)).keyBy((r) => r.key).process('count', () => counter({ ms })).sink('out', sinks.collect())
    const summary = await p.run({ clock, snapshotAtEnd: true }).done
    const last = new Map<string, { n: number; at: number }>()
    let now = 1_000
    const expected = input.map((r) => {
      now += r.gap
      const e = last.get(r.key)
      const n = e && e.at + ms > now ? e.n + 1 : 1
      last.set(r.key, { n, at: now })
      return { key: r.key, n }
    })
    const out = summary.results.out as { key: string; n: number }[]
    // The end's watermark (+∞) lists the live keys: none, 10 s after the last record.
    t.deepEqual(out, expected)
    const state = summary.snapshot!.get('count/state.n')!.instances[0] as KeyedStateSnapshot
    t.is([...state.values()].reduce((s, g) => s + unpackGroup(g).keys.length, 0), 0, 'every entry expired before the snapshot')
  }), { seed, numRuns: 60 })
})

/** A ProcessOperator on its own: records and watermarks handed to it, its output collected. */
function operatorWith(oxi: Oxi): { op: ProcessOperator; out: unknown[] } {
  const out: unknown[] = []
  const ctx = {
    pipelineId: 'p', step: { name: 'count', key: (r: Rec) => r.key }, instance: 0, parallelism: 1, maxKeyGroups: 128,
    clock: virtualClock(0), counters: { recordsIn: 0, recordsOut: 0, failed: 0 },
    failures: { handle: (_rs: unknown, _o: string, e: unknown) => { throw e } }, setTimer: () => () => {},
  } as unknown as OperatorContext
  const op = new ProcessOperator(ctx, oxi, { batch: (rs) => { out.push(...rs) }, watermark: () => {}, end: () => {} })
  return { op, out }
}

test('event-time TTL: a write is stamped with its record\'s time; the entry expires once the watermark reaches stamp + ms, and no snapshot keeps it', async (t) => {
  const { op, out } = operatorWith(counter({ ms: 10, time: 'event' }) as Oxi)
  await op.open()
  await op.batch([{ key: 'a', gap: 0, ts: 100 }, { key: 'b', gap: 0, ts: 105 }])
  await op.watermark(109)
  t.deepEqual(out.splice(0), [{ key: 'a', n: 1 }, { key: 'b', n: 1 }, { key: 'live@109:a', n: 1 }, { key: 'live@109:b', n: 1 }])
  await op.watermark(110) // a: 100 + 10 ≤ 110
  t.deepEqual(out.splice(0), [{ key: 'live@110:b', n: 1 }])
  await op.batch([{ key: 'a', gap: 0, ts: 111 }, { key: 'b', gap: 0, ts: 112 }])
  t.deepEqual(out.splice(0), [{ key: 'a', n: 1 }, { key: 'b', n: 2 }], 'a started again; b (stamped 105, then 112) lived on')
  const holder = op.holders()[0]
  t.is(holder.stateId, 'count/state.n')
  await op.watermark(Infinity)
  t.deepEqual(out.splice(0), [], 'the end of input (+∞) expires everything')
  t.deepEqual([...(holder.snapshot(1) as KeyedStateSnapshot).values()].flatMap((g) => unpackGroup(g).keys), [])
})
