import test from 'ava'
import {
  InvalidOptionError, PartialAggregateError, IncompatibleStateError, StepError, agg, keyGroupOf, pipeline, sinks, sources, virtualClock, windows,
  type Source, type Window,
} from '../../../../index.ts'
import { arraySink } from '../../../components/windows/harness.ts'
import { thenWait } from '../../../fixtures/then-wait.ts'

type R = { k: string; v: number; t: number }
const rec = (k: string, v: number, t = 0): R => ({ k, v, t })

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((resolve) => setImmediate(resolve))
}

test('the end of a bounded input fires the partial lengthBatch; output is { key, windowStart, windowEnd, ...aggregates }', async (t) => {
  const s = await pipeline('p').source('in', sources.iterable([rec('a', 1), rec('a', 2), rec('a', 3), rec('a', 4), rec('b', 5)]))
    .keyBy((r) => r.k).window('w', windows.lengthBatch(3)).aggregate('stats', { n: agg.count(), total: agg.sum((r: R) => r.v) })
    .sink('out', sinks.collect()).run().done
  const out = s.results.out as { key: string }[]
  t.deepEqual(out[0], { key: 'a', windowStart: 0, windowEnd: 3, n: 3, total: 6 })
  // Partial windows fire at the end in key-group order (the same after a restore).
  t.deepEqual(out.slice(1).sort((x, y) => x.key.localeCompare(y.key)), [
    { key: 'a', windowStart: 3, windowEnd: 4, n: 1, total: 4 },
    { key: 'b', windowStart: 0, windowEnd: 1, n: 1, total: 5 },
  ])
  t.deepEqual(Object.keys((s.results.out as object[])[0]), ['key', 'windowStart', 'windowEnd', 'n', 'total'])
})

test('aggregate names that are not identifiers ("p 50", "sum-v", "0", "$n") are fields of every result, in the order given, in rows and in objects', async (t) => {
  const input = [rec('a', 1, 1), rec('a', 2, 2), rec('b', 3, 3), rec('a', 4, 12)]
  const run = (aggregates: Record<string, ReturnType<typeof agg.count>>) => pipeline('p').source('in', sources.iterable(input))
    .keyBy((r) => r.k).window('w', windows.tumbling({ size: 10, time: (r: R) => r.t })).aggregate('stats', aggregates)
    .sink('out', sinks.collect()).run().done
  // count and sum keep their state in rows; distinctCount in objects.
  const rows = await run({ 'p 50': agg.count(), 'sum-v': agg.sum((r: R) => r.v) as never, 0: agg.count(), $n: agg.count() })
  const objects = await run({ 'p 50': agg.count(), 'sum-v': agg.sum((r: R) => r.v) as never, 0: agg.count(), $n: agg.distinctCount((r: R) => r.v) as never })
  for (const s of [rows, objects]) {
    // Windows due at one watermark fire in key-group order.
    const out = (s.results.out as Record<string, unknown>[]).sort((x, y) => (x.windowStart as number) - (y.windowStart as number) || String(x.key).localeCompare(String(y.key)))
    t.deepEqual(out, [
      { key: 'a', windowStart: 0, windowEnd: 10, 'p 50': 2, 'sum-v': 3, 0: 2, $n: 2 },
      { key: 'b', windowStart: 0, windowEnd: 10, 'p 50': 1, 'sum-v': 3, 0: 1, $n: 1 },
      { key: 'a', windowStart: 10, windowEnd: 20, 'p 50': 1, 'sum-v': 4, 0: 1, $n: 1 },
    ])
    // An integer-like name is listed first by JavaScript itself, whatever the order given.
    t.deepEqual(Object.keys(out[0]!), ['0', 'key', 'windowStart', 'windowEnd', 'p 50', 'sum-v', '$n'])
  }
})

test('job.stop() fires nothing: the open windows stay in the state snapshot', async (t) => {
  const job = pipeline('p').source('in', thenWait([rec('a', 1), rec('a', 2), rec('b', 3)]))
    .keyBy((r) => r.k).window('w', windows.lengthBatch(3)).collect('batches').sink('out', sinks.collect())
    .run({ snapshotAtEnd: true })
  await until(() => job.metrics().steps.batches?.recordsIn === 3)
  const s = await job.stop()
  t.is(s.status, 'stopped')
  t.deepEqual(s.results.out, [])
  const groups = s.snapshot!.get('batches/w')!.instances[0] as Map<number, { keys: [string, { count: number }][] }>
  const open = [...groups.values()].flatMap((g) => g.keys).map(([k, st]) => [k, st.count])
  t.deepEqual(open.sort(), [['a', 2], ['b', 1]])
})

test('an unkeyed window has key null and one instance', async (t) => {
  const s = await pipeline('p').source('in', sources.iterable([rec('a', 1), rec('b', 2)]))
    .window('w', windows.lengthBatch(5)).aggregate('all', { n: agg.count() }).sink('out', sinks.collect()).run().done
  t.deepEqual(s.results.out, [{ key: null, windowStart: 0, windowEnd: 2, n: 1 + 1 }])
  t.is(s.steps.all.parallelism, 1)
})

test('late records are counted in the summary and metrics and sent to lateTo; without lateTo they are counted and dropped', async (t) => {
  const input = [rec('a', 1, 100), rec('a', 2, 250), rec('a', 3, 120), rec('a', 4, 199), rec('a', 5, 260)]
  for (const withSink of [true, false]) {
    const late: R[] = []
    const w = pipeline('p').source('in', sources.iterable(input)).keyBy((r) => r.k)
      .window('w', windows.tumbling({ size: 100, time: (r: R) => r.t }))
    const job = (withSink ? w.lateTo(arraySink(late)) : w).aggregate('per100', { n: agg.count() }).sink('out', sinks.collect()).run()
    const s = await job.done
    // The record at 250 moves the watermark to 249: [100, 200) fires; 120 and 199 come after it.
    t.deepEqual(s.results.out, [
      { key: 'a', windowStart: 100, windowEnd: 200, n: 1 },
      { key: 'a', windowStart: 200, windowEnd: 300, n: 2 },
    ])
    t.is(s.steps.per100.late, 2)
    t.is(job.metrics().steps.per100.late, 2)
    t.deepEqual(late, withSink ? [input[2], input[3]] : [])
    t.is(s.steps.in.late, undefined)
  }
})

test('allowedLateness: a fired window takes late records and fires again until the watermark passes end − 1 + lateness', async (t) => {
  const input = [rec('a', 1, 10), rec('a', 2, 25), rec('a', 3, 15), rec('a', 4, 31), rec('a', 5, 12)]
  const late: R[] = []
  const s = await pipeline('p').source('in', sources.iterable(input)).keyBy((r) => r.k)
    .window('w', windows.tumbling({ size: 20, time: (r: R) => r.t, allowedLateness: 10 })).lateTo(arraySink(late))
    .aggregate('a20', { n: agg.count(), total: agg.sum((r: R) => r.v) }).sink('out', sinks.collect()).run().done
  // wm 24 fires [0, 20); 15 re-fires it (24 < 19 + 10); wm 30 closes it (30 ≥ 29): 12 is late.
  t.deepEqual(s.results.out, [
    { key: 'a', windowStart: 0, windowEnd: 20, n: 1, total: 1 },
    { key: 'a', windowStart: 0, windowEnd: 20, n: 2, total: 4 },
    { key: 'a', windowStart: 20, windowEnd: 40, n: 2, total: 6 },
  ])
  t.deepEqual(late, [input[4]])
})

test('maxOutOfOrderness holds the watermark back: records within it are on time', async (t) => {
  const input = [rec('a', 1, 10), rec('a', 2, 25), rec('a', 3, 15)]
  const s = await pipeline('p').source('in', sources.iterable(input)).keyBy((r) => r.k)
    .window('w', windows.tumbling({ size: 20, time: (r: R) => r.t, maxOutOfOrderness: 10 }))
    .aggregate('a20', { n: agg.count() }).sink('out', sinks.collect()).run().done
  t.deepEqual(s.results.out, [{ key: 'a', windowStart: 0, windowEnd: 20, n: 2 }, { key: 'a', windowStart: 20, windowEnd: 40, n: 1 }])
  t.is(s.steps.a20.late, 0)
})

test('a session bridged by an out-of-order record merges and fires once, spanning first time to last + gap', async (t) => {
  const input = [rec('u', 1, 0), rec('u', 2, 20), rec('u', 3, 10)]
  const s = await pipeline('p').source('in', sources.iterable(input)).keyBy((r) => r.k)
    .window('w', windows.session({ gap: 10, time: (r: R) => r.t, maxOutOfOrderness: 15 }))
    .collect('visits').sink('out', sinks.collect()).run().done
  t.deepEqual(s.results.out, [{ key: 'u', windowStart: 0, windowEnd: 30, records: [input[0], input[1], input[2]] }])
})

test('an event time that is not a number fails the step naming the rule; with skip it is counted as failed', async (t) => {
  const build = (onError?: 'skip') => pipeline('p').source('in', sources.iterable([rec('a', 1, 5), { k: 'a', v: 2, t: '7' } as unknown as R]))
    .window('w', windows.tumbling({ size: 10, time: (r: R) => r.t })).aggregate('a', { n: agg.count() }, onError && { onError })
    .sink('out', sinks.collect())
  const e = await t.throwsAsync(build().run().done, { instanceOf: StepError })
  t.is(e?.message, "step 'a' failed at input record 2: tumbling({ size: 10 }): time(record) must return the record's event time as a finite number of " +
    "epoch milliseconds within ±8.64e15 (got \"7\"); e.g. time: (r) => Date.parse(r.timestamp); fix the function or the record, or set onError: 'skip' | { retry } | { deadLetter } on the step")
  const s = await build('skip').run().done
  t.deepEqual(s.results.out, [{ key: null, windowStart: 0, windowEnd: 10, n: 1 }])
  t.is(s.steps.a.failed, 1)
})

test('an event time beyond a Date\'s range (nanoseconds) fails the record: windows there could not be cut, and every later record was late', async (t) => {
  const input = [rec('a', 1, 5), rec('a', 2, 1.7e18), rec('a', 3, 7)]
  const build = (onError?: 'skip') => pipeline('p').source('in', sources.iterable(input))
    .keyBy((r) => r.k).window('w', windows.tumbling({ size: 10, time: (r: R) => r.t })).aggregate('a', { n: agg.count() }, onError && { onError })
    .sink('out', sinks.collect())
  const e = await t.throwsAsync(build().run().done, { instanceOf: StepError })
  t.regex(e?.message ?? '', /within ±8\.64e15 \(got 1700000000000000000, beyond a Date's range: nanoseconds\? divide by 1e6\)/)
  const s = await build('skip').run().done
  t.deepEqual(s.results.out, [{ key: 'a', windowStart: 0, windowEnd: 10, n: 2 }])
  t.is(s.steps.a.failed, 1)
})

test("an aggregate's result that throws fails the step whatever onError says (the record is in): state in rows and in objects, count and event-time windows", async (t) => {
  const total = agg.sum((r: R) => r.v)
  const fail = (): never => { throw new Error('result broke') }
  // The same aggregate with its result throwing, in rows (its column form) and in objects.
  const inRows = { ...total, columns: { ...total.columns!, result: fail } }
  const inObjects = { ...total, columns: undefined, appendOnly: undefined, result: fail }
  const input = [rec('a', 1, 1), rec('a', 2, 2), rec('a', 3, 3), rec('a', 4, 30)]
  for (const [name, w] of [['lengthBatch(2)', windows.lengthBatch(2)], ['tumbling(10)', windows.tumbling({ size: 10, time: (r: R) => r.t })]] as const) {
    for (const [form, a] of [['rows', inRows], ['objects', inObjects]] as const) {
      const e = await t.throwsAsync(pipeline('p').source('in', sources.iterable(input)).keyBy((r) => r.k).window('w', w as Window<R>)
        .aggregate('stats', { n: agg.count(), total: a as never }, { onError: 'skip' }).sink('out', sinks.collect()).run({ batchSize: 8 }).done, { instanceOf: StepError }, `${name}, ${form}`)
      t.regex(e?.message ?? '', /^step 'stats' failed .*computing a window result: result broke; fix the function that threw/, `${name}, ${form}`)
    }
  }
})

test('a skipped record leaves no trace in any aggregate: fields that had added it take it back', async (t) => {
  const input = [rec('a', 1), { k: 'a', v: 'x' } as unknown as R, rec('a', 3)]
  const s = await pipeline('p').source('in', sources.iterable(input)).keyBy((r) => r.k).window('w', windows.lengthBatch(5))
    .aggregate('a', { n: agg.count(), total: agg.sum((r: R) => r.v), mean: agg.avg((r: R) => r.v), hi: agg.max((r: R) => r.v) }, { onError: 'skip' })
    .sink('out', sinks.collect()).run().done
  t.deepEqual(s.results.out, [{ key: 'a', windowStart: 0, windowEnd: 2, n: 2, total: 4, mean: 2, hi: 3 }])
  t.is(s.steps.a.failed, 1)
})

test('a record half-added by aggregates that cannot take it back fails the step whatever onError says (state in objects); in columns it is skipped', async (t) => {
  const input = [{ k: 'a', a: 1, b: 2 }, { k: 'a', a: 1, b: 'x' as unknown as number }]
  const build = (w: Window<{ a: number; b: number }>) => pipeline('p').source('in', sources.iterable(input)).window('w', w)
    .aggregate('a', { lo: agg.min((r: { a: number }) => r.a), hi: agg.max((r: { b: number }) => r.b) }, { onError: 'skip' })
    .sink('out', sinks.collect())
  // lengthBatch keeps min and max in columns: every field's value is taken before any field adds.
  const s = await build(windows.lengthBatch(5)).run().done
  t.deepEqual(s.results.out, [{ key: null, windowStart: 0, windowEnd: 1, lo: 1, hi: 2 }])
  t.is(s.steps.a.failed, 1)
  // length(5) evicts: its min and max are deques, added one field after the other.
  const job = build(windows.length(5)).run()
  const e = await t.throwsAsync(job.done, { instanceOf: StepError })
  t.true(e?.cause instanceof PartialAggregateError)
  t.is(e?.message, "step 'a' failed at input record 2: step 'a': aggregate 'hi' threw on a record that 'lo' had already added and cannot take back; " +
    'filter such records out before the window (e.g. .filter((r) => Number.isFinite(r.value))) so that onError can skip them')
})

test('timeBatch: a window that became due while the job was stopped fires at once after the restore', async (t) => {
  const clockA = virtualClock(10)
  const build = (source: Source<R>, out: unknown[]) => pipeline('p').source('in', source).keyBy((r) => r.k)
    .window('w', windows.timeBatch(100)).aggregate('per100', { n: agg.count() }).sink('out', arraySink(out))
  const a = build(thenWait([rec('a', 1), rec('a', 2)]), []).run({ clock: clockA, snapshotAtEnd: true })
  await until(() => a.metrics().steps.per100?.recordsIn === 2)
  const { snapshot } = await a.stop()
  const clockB = virtualClock(250)
  const out: unknown[] = []
  let firedBeforeAnyRecord = -1
  const b = build({
    kind: 'source', description: 'empty', bounded: true,
    open: () => ({ read() { clockB.advance(0); firedBeforeAnyRecord = out.length; return undefined }, position: () => 0 }),
  }, out).run({ clock: clockB, restoreFrom: snapshot })
  await b.done
  t.is(firedBeforeAnyRecord, 1)
  t.deepEqual(out, [{ key: 'a', windowStart: 0, windowEnd: 100, n: 2 }])
})

test('a restore takes any subset of key groups: keys whose groups are left out start afresh', async (t) => {
  const build = (source: Source<R>) => pipeline('p').source('in', source).keyBy((r) => r.k)
    .window('w', windows.lengthBatch(3)).collect('b').sink('out', sinks.collect())
  const a = build(thenWait([rec('a', 1), rec('b', 1), rec('a', 2)])).run({ snapshotAtEnd: true })
  await until(() => a.metrics().steps.b?.recordsIn === 3)
  const { snapshot } = await a.stop()
  const groups = snapshot!.get('b/w')!.instances[0] as Map<number, unknown>
  groups.delete(keyGroupOf('a', 128))
  snapshot!.delete('in/position')
  const s = await build(sources.iterable([rec('a', 3), rec('b', 2), rec('b', 3)])).run({ restoreFrom: snapshot }).done
  t.deepEqual(s.results.out, [
    { key: 'b', windowStart: 0, windowEnd: 3, records: [rec('b', 1), rec('b', 2), rec('b', 3)] },
    { key: 'a', windowStart: 0, windowEnd: 1, records: [rec('a', 3)] },
  ])
})

test('a restore refuses another major version and a changed window, naming found and expected', async (t) => {
  const build = (aggregates: Record<string, ReturnType<typeof agg.count>>) => pipeline('p').source('in', sources.iterable([rec('a', 1)]))
    .keyBy((r) => r.k).window('w', windows.lengthBatch(3)).aggregate('s', aggregates).sink('out', sinks.collect())
  const { snapshot } = await build({ n: agg.count() }).run({ snapshotAtEnd: true }).done
  const newer = new Map(snapshot)
  newer.set('s/w', { ...snapshot!.get('s/w')!, stateVersion: '2.0.0' })
  const e1 = await t.throwsAsync(build({ n: agg.count() }).run({ restoreFrom: newer }).done, { instanceOf: IncompatibleStateError })
  t.is(e1?.message, "state 's/w': found version 2.0.0, expected 1.x.x up to 1.2.0; restore with the version of the pipeline that wrote it, or start this step fresh")
  const e2 = await t.throwsAsync(build({ m: agg.count() }).run({ restoreFrom: snapshot }).done, { instanceOf: IncompatibleStateError })
  t.is(e2?.message, "state 's/w': found state for 'lengthBatch/aggregate(n:count)', expected 'lengthBatch/aggregate(m:count)'; the window or its " +
    'aggregates changed since the snapshot — restore with the pipeline that wrote it, or rename the step to start it fresh')
})

test('a restore refuses state written with other window options (size, slide, gap, count), and takes another maxOutOfOrderness', async (t) => {
  const input = [rec('a', 1, 1_000), rec('a', 2, 12_000), rec('b', 3, 15_000)]
  const run = (window: Window<R>, restoreFrom?: Map<string, unknown>) => pipeline('p').source('in', sources.iterable(input))
    .keyBy((r) => r.k).window('w', window).aggregate('s', { n: agg.count() }).sink('out', sinks.collect())
    .run(restoreFrom === undefined ? { snapshotAtEnd: true } : { restoreFrom: restoreFrom as never }).done
  const time = (r: R) => r.t
  const cases: [Window<R>, Window<R>, string][] = [
    [windows.tumbling({ size: 10_000, time }), windows.tumbling({ size: 20_000, time }), "found state for windows of size: 10000, expected size: 20000"],
    [windows.sliding({ size: 10_000, slide: 5_000, time }), windows.sliding({ size: 10_000, slide: 2_000, time }), "found state for windows of size: 10000, slide: 5000, expected size: 10000, slide: 2000"],
    [windows.session({ gap: 400, time }), windows.session({ gap: 2_000, time }), "found state for windows of gap: 400, expected gap: 2000"],
    [windows.lengthBatch(3), windows.lengthBatch(5), "found state for windows of n: 3, expected n: 5"],
    [windows.length(3), windows.length(2), "found state for windows of n: 3, expected n: 2"],
  ]
  for (const [before, after, found] of cases) {
    const { snapshot } = await run(before)
    const e = await t.throwsAsync(run(after, snapshot), { instanceOf: IncompatibleStateError }, after.description)
    t.is(e?.message, `state 's/w': ${found}; the window's options changed since the snapshot and its open windows were cut for the old ones — ` +
      'restore with the pipeline that wrote it, or rename the step to start it fresh')
  }
  // Options that do not change how windows are cut may change.
  const { snapshot } = await run(windows.tumbling({ size: 10_000, time }))
  const s = await run(windows.tumbling({ size: 10_000, time, maxOutOfOrderness: 5_000, allowedLateness: 1_000 }), snapshot)
  t.is(s.status, 'completed')
  // A snapshot from before the options were recorded has none: only the window type and aggregates are checked.
  for (const group of (snapshot!.get('s/w')!.instances[0] as Map<number, { parameters?: string }>).values()) delete group.parameters
  t.is((await run(windows.tumbling({ size: 20_000, time }), snapshot)).status, 'completed')
})

test('a restore refuses state that no step of the pipeline has', async (t) => {
  const p = pipeline('p').source('in', sources.iterable([1])).sink('out', sinks.collect())
  const e = await t.throwsAsync(p.run({ restoreFrom: new Map([['gone/w', { stateVersion: '1.0.0', instances: [new Map()] }]]) }).done, { instanceOf: InvalidOptionError })
  t.is(e?.message, "run(options): the snapshot holds state 'gone/w' that no step of pipeline has; restore into the pipeline that took it (same step and window names)")
})

test('a sliding sum over 20k float records stays within 1e-12 of a fresh sum (compensated eviction)', async (t) => {
  const input = Array.from({ length: 20_000 }, (_, i) => ({ k: 'a', v: (i % 7 === 0 ? 1e8 : 0.1) + i * 1e-3, t: i }))
  const s = await pipeline('p').source('in', sources.iterable(input)).window('w', windows.length(100))
    .aggregate('s', { total: agg.sum((r: R) => r.v) }).sink('out', sinks.collect()).run().done
  const out = s.results.out as { total: number }[]
  let worst = 0
  for (let i = 99; i < input.length; i += 997) {
    let fresh = 0
    for (let j = i - 99; j <= i; j++) fresh += input[j].v
    worst = Math.max(worst, Math.abs(out[i].total - fresh) / Math.abs(fresh))
  }
  t.true(worst < 1e-12, `relative error ${worst}`)
})

test("an aggregator's appendOnly form serves windows that never evict; sliding windows use the full one", async (t) => {
  const used: string[] = []
  const full = agg.count<R>()
  // No column form: the step calls the object forms' add, which this test watches.
  const counting = {
    ...full,
    columns: undefined,
    add: (acc: number, r: R) => { used.push('full'); return full.add(acc, r) },
    appendOnly: { ...full, columns: undefined, add: (acc: number, r: R) => { used.push('appendOnly'); return full.add(acc, r) } },
  }
  const run = (w: Window<R>) => pipeline('p').source('in', sources.iterable([rec('a', 1), rec('a', 2)]))
    .window('w', w).aggregate('a', { n: counting }).sink('out', sinks.collect()).run().done
  await run(windows.lengthBatch(5))
  t.deepEqual(used.splice(0), ['appendOnly', 'appendOnly'])
  const s = await run(windows.length(5))
  t.deepEqual(used, ['full', 'full'])
  t.deepEqual((s.results.out as { n: number }[]).map((o) => o.n), [1, 2])
})
