// A step that keeps its windows in columns restores a snapshot of the windows' object form (what
// the step wrote before it kept that window in columns: lengthBatch before 1.1.0, event windows
// before 1.1.0) and continues exactly as the uninterrupted run; a state that is neither form is
// refused, naming the key and what was expected.
import test from 'ava'
import { stoppableSource } from '../../../fixtures/windows/stoppable-source.ts'
import { agg, pipeline, sinks, windows, type Aggregator, type JobSnapshot, type Source, type Window } from '../../../../index.ts'

interface Ev { readonly k: string; readonly v: number; readonly t: number }

// 30 keys, fractional values; lengthBatch(7) and tumbling windows of 50 ms leave windows open at the stop.
const input: Ev[] = Array.from({ length: 600 }, (_, i) => ({ k: `k${(i * 7) % 30}`, v: i / 4 + 0.1, t: i }))

/** Reads `records`; with `stopAfter`, stops the job once it has read them all (nothing more fires). */
const source = (records: readonly Ev[], stopAfter?: () => void): Source<Ev> => stoppableSource(records, 'object-form restore test input', stopAfter)

/** The aggregator without its column form: the step keeps it in objects. */
function inObjects<A extends Aggregator<Ev, unknown, unknown>>(a: A): A {
  return { ...a, columns: undefined, ...(a.appendOnly && { appendOnly: { ...a.appendOnly, columns: undefined } }) }
}

const fields = { n: agg.count<Ev>(), total: agg.sum((r: Ev) => r.v), lo: agg.min((r: Ev) => r.v), hi: agg.max((r: Ev) => r.v), mean: agg.avg((r: Ev) => r.v) }
const objectFields = Object.fromEntries(Object.entries(fields).map(([n, a]) => [n, inObjects(a as Aggregator<Ev, unknown, unknown>)]))

const kinds: Record<string, () => Window<Ev>> = {
  lengthBatch: () => windows.lengthBatch(7) as Window<Ev>,
  tumbling: () => windows.tumbling({ size: 50, time: (r: Ev) => r.t, maxOutOfOrderness: 3 }),
}

const build = (src: Source<Ev>, w: Window<Ev>, aggregates: Record<string, Aggregator<Ev, any, any>>) => pipeline('object-form')
  .source('in', src).keyBy((r) => r.k).window('w', w).aggregate('stats', aggregates).sink('out', sinks.collect())

/** The snapshot of the object-form step stopped after `n` records, marked with the version before rows. */
async function objectSnapshot(kind: string, n: number): Promise<JobSnapshot> {
  let stop = (): void => {}
  const job = build(source(input.slice(0, n), () => stop()), kinds[kind](), objectFields).run({ snapshotAtEnd: true })
  stop = () => { void job.stop() }
  const { snapshot } = await job.done
  const entry = snapshot!.get('stats/w')!
  const groups = [...(entry.instances[0] as Map<number, { keys?: unknown[] }>).values()]
  if (!groups.some((g) => Array.isArray(g.keys) && g.keys.length > 0)) throw new Error('the object-form snapshot holds no key list: the test setup is wrong')
  const old = new Map(snapshot)
  old.set('stats/w', { ...entry, stateVersion: '1.0.0' })
  return old
}

const sorted = (rows: unknown) => [...(rows as { key: string; windowStart: number }[])].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.windowStart - b.windowStart))

for (const kind of Object.keys(kinds)) {
  test(`${kind}: a 1.0.0 snapshot of objects restores into columns and continues as the uninterrupted run`, async (t) => {
    const full = await build(source(input), kinds[kind](), fields).run().done
    const half = 333
    const snapshot = await objectSnapshot(kind, half)
    let stop = (): void => {}
    const first = build(source(input.slice(0, half), () => stop()), kinds[kind](), objectFields).run()
    stop = () => { void first.stop() }
    const before = (await first.done).results.out as unknown[]
    const { results } = await build(source(input.slice(half)), kinds[kind](), fields).run({ restoreFrom: snapshot }).done
    t.true(before.length > 0 && (results.out as unknown[]).length > 0)
    t.deepEqual(sorted([...before, ...(results.out as unknown[])]), sorted(full.results.out))
  })
}

test('a key state that is neither form is refused, naming the key and the form expected', async (t) => {
  const snapshot = await objectSnapshot('lengthBatch', 100)
  const groups = snapshot.get('stats/w')!.instances[0] as Map<number, { keys?: [unknown, unknown][] }>
  const group = [...groups.values()].find((g) => (g.keys?.length ?? 0) > 0)!
  const key = group.keys![0][0]
  group.keys![0][1] = { begin: 0 }
  const err = await t.throwsAsync(build(source(input.slice(100)), kinds.lengthBatch(), fields).run({ restoreFrom: snapshot }).done)
  t.is(err?.message, `state 'stats/w': found key "${String(key)}" holding an object, expected { start, count, acc } (the object form of lengthBatch(7)); ` +
    'restore with the version of the pipeline that wrote it, or start this step fresh')
})

test("a key state whose aggregates hold different counts is refused: a window row keeps one count for all of them", async (t) => {
  const snapshot = await objectSnapshot('lengthBatch', 100)
  const groups = snapshot.get('stats/w')!.instances[0] as Map<number, { keys?: [unknown, { count: number; acc: unknown[] }][] }>
  const group = [...groups.values()].find((g) => (g.keys ?? []).some(([, s]) => s.count > 0))!
  const [key, state] = group.keys!.find(([, s]) => s.count > 0)!
  const total = state.acc[1] as { n: number }
  total.n += 1
  const err = await t.throwsAsync(build(source(input.slice(100)), kinds.lengthBatch(), fields).run({ restoreFrom: snapshot }).done)
  t.regex(err!.message, new RegExp(`found key "${String(key)}" holding .*expected every field holding as many values as the others \\(field 'total' holds ${state.count + 1}, 'n' ${state.count}\\)`))
})
