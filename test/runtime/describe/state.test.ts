import test from 'ava'
import { checkpoints, pipeline, sinks, sources, stores, type Oxi, type PlanDescription, type Source, type StateHolder } from '../../../index.ts'

// The oracle for the state a plan describes: a real checkpoint of the same pipeline. Its
// manifest's holders (ids, versions, declared dependencies, restore levels) are what the job's
// operators registered once running; the description found them without running anything.

type Rec = { key: string; value: number }
const records: Rec[] = Array.from({ length: 50 }, (_, i) => ({ key: `k${i % 7}`, value: i }))

/** A bounded source that keeps no state of its own, so every holder of the job is an operator's. */
const plain: Source<Rec> = {
  kind: 'source', description: 'plain', bounded: true,
  open: () => {
    let done = false
    return { read: () => (done ? undefined : (done = true, records)), position: () => done }
  },
}

/** A keyed Oxi with two ctx.state declarations (one at version 1.2.0) and a hand-written holder that declares a dependency. */
const counting = (): Oxi<Rec, Rec> & { n?: unknown; seen?: unknown } => {
  let total = 0
  const holder: StateHolder<number> = {
    stateId: 'count/total', stateVersion: '2.1.0', dependsOn: ['count/state.n'],
    snapshot: () => total, restore: (s) => { total = s },
  }
  return {
    open(ctx) {
      this.n = ctx.state.value<number>('n', { version: '1.2.0' })
      this.seen = ctx.state.map<string, boolean>('seen')
    },
    onBatch(rs, ctx) { total += rs.length; for (const r of rs) ctx.emit(r) },
    holders: () => [holder],
  }
}

function build(source: Source<Rec>) {
  return pipeline('st').source('in', source).keyBy((r) => r.key).process('count', counting)
    .keyBy((r) => r.key).reduce('sum', (a: number, r: Rec) => a + r.value, () => 0)
    .batch('groups', { size: 4 }).sink('out', sinks.collect())
}

type Described = Map<string, [version: string, level: number, dependsOn: string[]]>

/** In state id order (a manifest lists holders in write order, a description in step order). */
const sorted = (m: Described): Described => new Map([...m].sort(([a], [b]) => (a < b ? -1 : 1)))

/** state id → [version, level, declared dependsOn], from the newest checkpoint's manifest. */
async function manifestState(source: Source<Rec>): Promise<Described> {
  const store = stores.memory()
  await build(source).run({ store }).done
  const cps = checkpoints(store, 'st')
  const [newest] = await cps.list()
  const manifest = await cps.show(newest!.id)
  return sorted(new Map(manifest.holders.map((h) => [h.stateId, [h.stateVersion, h.level, h.dependsOn]])))
}

function describedState(d: PlanDescription): Described {
  return sorted(new Map(d.steps.flatMap((s) => s.state.map((x) => [x.stateId, [x.version, x.restoreLevel, [...x.dependsOn]]] as [string, [string, number, string[]]]))))
}

test('state ids, versions, dependencies and restore levels equal those of a real checkpoint of the same pipeline', async (t) => {
  const expected = await manifestState(plain)
  const d = build(plain).plan()
  t.deepEqual(describedState(d), expected)
  // The levels as the manifest groups them, each level's ids sorted.
  const levels: string[][] = []
  for (const [id, [, level]] of expected) (levels[level] ??= []).push(id)
  t.deepEqual(d.restoreLevels.map((l) => [...l].sort()), levels.map((l) => l.sort()))
  // The kinds of state, as described.
  t.deepEqual(d.steps.find((s) => s.name === 'count')!.state.map((s) => [s.stateId, s.scope]),
    [['count/state.n', 'keyed'], ['count/state.seen', 'keyed'], ['count/total', 'operator']])
  t.deepEqual(d.steps.find((s) => s.name === 'groups')!.state.map((s) => [s.stateId, s.scope]), [['groups/pending', 'operator']])
})

test('the same on 3 workers\' worth of instances: the state is per step, whatever the parallelism', async (t) => {
  const expected = await manifestState(plain)
  t.deepEqual(describedState(build(plain).plan({ workers: 3 })), expected)
})

test('a source\'s read position, declared by the source, is described as the checkpoint holds it: the levels downstream of it included', async (t) => {
  const source = sources.iterable(records)
  const expected = await manifestState(source)
  t.true(expected.has('in/position'))
  const d = build(source).plan()
  t.deepEqual(describedState(d), expected)
  const levels: string[][] = []
  for (const [id, [, level]] of expected) (levels[level] ??= []).push(id)
  t.deepEqual(d.restoreLevels.map((l) => [...l].sort()), levels.map((l) => l.sort()))
  t.is(d.steps[0]!.stateNote, undefined)
})

test('an Oxi given as an object is opened on a copy: the object a run may be using keeps its fields', (t) => {
  const oxi = { ...counting(), marker: 'live' }
  const p = pipeline('obj').source('in', plain).keyBy((r) => r.key).process('count', oxi).sink('out', sinks.collect())
  const d = p.plan()
  t.deepEqual(d.steps[1]!.state.map((s) => s.stateId), ['count/state.n', 'count/state.seen', 'count/total'])
  t.false(Object.hasOwn(oxi, 'n'))
})
