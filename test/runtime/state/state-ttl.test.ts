import test from 'ava'
import fc from 'fast-check'
import { pipeline, sinks, virtualClock, type Oxi, type Source, type ValueState, type VirtualClock } from '../../../index.ts'
import type { OperatorContext } from '../../../runtime/operators/operator.ts'
import { ProcessOperator } from '../../../runtime/operators/process-operator.ts'
import { EventClock } from '../../../runtime/state/event-clock.ts'
import { unpackGroup, type KeyedStateSnapshot } from '../../../runtime/state/keyed-snapshot.ts'

// TTL: processing time on a virtual clock moved by the source before each record (no real
// waiting), checked against a plain loop; event time against the watermarks the step receives
// and, without any, the records' own times.
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

/**
 * The plain loop of event-time TTL without watermarks: before record r reads its key's entry,
 * the step has seen the highest time `high` (r's included); the entry is expired when its stamp
 * + ms ≤ max(r.ts, high − ms). Each record writes its key's count, stamped r.ts.
 */
function eventTimeOracle(input: readonly Rec[], ms: number): { out: { key: string; n: number }[]; live: string[] } {
  const last = new Map<string, { n: number; at: number }>()
  let high = -Infinity
  const out = input.map((r) => {
    high = Math.max(high, r.ts)
    const e = last.get(r.key)
    const n = e && e.at + ms > Math.max(r.ts, high - ms) ? e.n + 1 : 1
    last.set(r.key, { n, at: r.ts })
    return { key: r.key, n }
  })
  // What a snapshot after the input keeps: entries not 2 × ms behind the highest time.
  return { out, live: [...last].filter(([, e]) => e.at + ms > high - ms).map(([k]) => k).sort() }
}

const outOfOrder = fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c'), gap: fc.constant(0), ts: fc.integer({ min: 0, max: 200 }) }), { maxLength: 40, size: 'max' })

test('event-time TTL without any watermark (source → keyBy → process): each record\'s own time expires its key\'s entry, the highest time seen expires keys that stopped coming (plain loop, input out of order)', async (t) => {
  t.log(`fast-check seed ${seed} (rerun with FC_SEED=${seed})`)
  await fc.assert(fc.asyncProperty(outOfOrder, fc.integer({ min: 1, max: 60 }), async (input, ms) => {
    const clock = virtualClock(0)
    const p = pipeline('ttl-event')
    p.source('in', pacedSource(input, clock, 0)).keyBy((r) => r.key).process('count', () => counter({ ms, time: 'event' })).sink('out', sinks.collect())
    const summary = await p.run({ clock }).done
    // The end's watermark (+∞) expires every entry: onWatermark lists none.
    t.deepEqual(summary.results.out, eventTimeOracle(input, ms).out)
  }), { seed, numRuns: 60 })
})

test('event-time TTL: snapshot → restore into a new instance → continue equals the uninterrupted run, out-of-order input included (the step\'s highest time is restored with it)', async (t) => {
  t.log(`fast-check seed ${seed} (rerun with FC_SEED=${seed})`)
  await fc.assert(fc.asyncProperty(outOfOrder, fc.integer({ min: 1, max: 60 }), fc.nat(), async (input, ms, at) => {
    const cut = at % (input.length + 1)
    const whole = operatorWith(counter({ ms, time: 'event' }) as Oxi)
    await whole.op.open()
    for (const r of input) await whole.op.batch([r])
    const oracle = eventTimeOracle(input, ms)
    t.deepEqual(whole.out, oracle.out)
    const kept = [...(whole.op.holders()[0].snapshot(1) as KeyedStateSnapshot).values()].flatMap((g) => unpackGroup(g).keys as string[])
    t.deepEqual(kept.sort(), oracle.live, 'a snapshot drops the entries of keys that stopped coming')
    const first = operatorWith(counter({ ms, time: 'event' }) as Oxi)
    await first.op.open()
    for (const r of input.slice(0, cut)) await first.op.batch([r])
    const snapshots = first.op.holders().map((h) => ({ id: h.stateId, state: structuredClone(h.snapshot(1)) }))
    t.deepEqual(snapshots.map((s) => s.id), ['count/state.n', 'count/event-time'])
    const second = operatorWith(counter({ ms, time: 'event' }) as Oxi)
    await second.op.open()
    for (const h of second.op.holders()) h.restore(snapshots.find((s) => s.id === h.stateId)!.state, '1.0.0')
    for (const r of input.slice(cut)) await second.op.batch([r])
    t.deepEqual([...first.out, ...second.out], whole.out, `cut at ${cut} of ${input.length}`)
  }), { seed, numRuns: 100 })
})

test('event-time TTL: a timestamp that is not a finite number fails the record with ERR_EVENT_TIME, naming the step and the state', async (t) => {
  const { op } = operatorWith(counter({ ms: 10, time: 'event' }) as Oxi)
  await op.open()
  const e = await t.throwsAsync(async () => { await op.batch([{ key: 'a', gap: 0, ts: Number.NaN }]) })
  t.is((e as { code?: string }).code, 'ERR_EVENT_TIME')
  t.regex(e!.message, /^step 'count': state 'n': ttl\.timestamp\(record\) must return the record's event time as a finite number of epoch milliseconds within ±8\.64e15 \(got NaN\)/)
})

test('the step\'s event time (EventClock): restored as taken, refused when not a number; with another parallelism the lowest of the old instances that had seen a record', (t) => {
  const clock = new EventClock('count')
  t.is(clock.stateId, 'count/event-time')
  clock.observe(50)
  clock.observe(20)
  t.is(clock.snapshot(), 50)
  const again = new EventClock('count')
  again.restore(clock.snapshot())
  t.is(again.seen(), 50)
  t.throws(() => again.restore('soon' as unknown as number), { code: 'ERR_KEYED_STATE_RESTORE', message: /state 'count\/event-time' cannot be restored from this snapshot: a string, not an event time/ })
  t.is(clock.rescale([-Infinity, 80, 30]), 30)
  t.is(clock.rescale([-Infinity, -Infinity]), -Infinity)
})
