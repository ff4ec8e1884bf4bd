import test from 'ava'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { InvalidOptionError, pipeline, sinks, sources, type Sink, type Source } from '../../../index.ts'
import { describedState, levelsOf, manifestState } from '../../fixtures/describe/manifest-state.ts'

// The state of built-in sources and sinks, as a plan describes it from their declarations
// (Source.state, Sink.state) without opening them. The oracle: a real run of the same pipeline
// with a store, whose newest checkpoint's manifest lists the holders its readers and writers
// registered once open (ids, versions, restore levels). Brokers: broker-state.test.ts.

type Rec = { key: string; value: number }
const records: Rec[] = Array.from({ length: 60 }, (_, i) => ({ key: `k${i % 7}`, value: i }))

/** source → keyed reduce → sink: a source's position, if described, puts the reduce a level up, and a sink's output one more. */
function build(id: string, source: Source<unknown>, sink: Sink<unknown>) {
  return pipeline(id).source('in', source).keyBy((r) => String((r as Rec).key))
    .reduce('sum', (a: number, r) => a + Number((r as Rec).value), () => 0).sink('out', sink)
}

async function tempDir(t: { teardown(f: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-plan-state-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

async function* asyncRecords(): AsyncGenerator<Rec> {
  for (const r of records) yield r
}

/** Each built-in source with a read position, made fresh for a run (a file source in `dir`). */
const sourceCases: Array<[label: string, make: (dir: string) => Promise<Source<unknown>>]> = [
  ['generator', async () => sources.generator({ seed: 3, count: 300, keys: 5 })],
  ['iterable over an array', async () => sources.iterable(records)],
  ['iterable over a sync iterable', async () => sources.iterable(new Set(records))],
  ['iterable over an async iterable', async () => sources.iterable(asyncRecords())],
  ['jsonl', async (dir) => {
    const path = join(dir, 'in.jsonl')
    await writeFile(path, records.map((r) => JSON.stringify(r)).join('\n') + '\n')
    return sources.jsonl(path, { chunkSize: 256 })
  }],
  ['csv', async (dir) => {
    const path = join(dir, 'in.csv')
    await writeFile(path, 'key,value\n' + records.map((r) => `${r.key},${r.value}`).join('\n') + '\n')
    return sources.csv(path, { chunkSize: 256 }) as Source<unknown>
  }],
]

for (const [label, make] of sourceCases) {
  test(`source ${label}: the plan describes its position as the run's checkpoint holds it — ids, versions, levels`, async (t) => {
    const dir = await tempDir(t)
    const id = `src-${label.replace(/\W+/g, '-')}`
    const expected = await manifestState(build(id, await make(dir), sinks.collect()), id)
    // Not vacuous: the run's source registered a position, below the reduce's state.
    t.deepEqual([...expected].map(([stateId, [, level]]) => [stateId, level]), [['in/position', 0], ['sum/accumulators', 1]])
    const d = build(id, await make(dir), sinks.collect()).plan()
    t.deepEqual(describedState(d), expected)
    t.deepEqual(d.restoreLevels.map((l) => [...l].sort()), levelsOf(expected))
    t.deepEqual(d.steps.filter((s) => s.stateNote !== undefined).map((s) => s.name), [])
    t.deepEqual(d.steps[0]!.state.map((s) => [s.scope, s.dependsOn]), [['operator', []]])
  })
}

test('a splittable file source on 2 workers: one position per step in the plan, as in the run\'s manifest', async (t) => {
  const dir = await tempDir(t)
  const [, make] = sourceCases.find(([label]) => label === 'jsonl')!
  const expected = await manifestState(build('src-split', await make(dir), sinks.collect()), 'src-split')
  const d = build('src-split', await make(dir), sinks.collect()).plan({ workers: 2 })
  t.is(d.steps[0]!.parallelism, 2)
  t.deepEqual(describedState(d), expected)
})

test('sink jsonl: the plan describes its staged output as a run with checkpoints holds it, after the state upstream', async (t) => {
  const dir = await tempDir(t)
  const sink = () => sinks.jsonl(join(dir, 'out.jsonl'))
  const expected = await manifestState(build('sink-jsonl', sources.iterable(records), sink()), 'sink-jsonl')
  t.deepEqual([...expected].map(([stateId, [, level]]) => [stateId, level]), [['in/position', 0], ['out/output', 2], ['sum/accumulators', 1]])
  const d = build('sink-jsonl', sources.iterable(records), sink()).plan()
  t.deepEqual(describedState(d), expected)
  t.deepEqual(d.restoreLevels.map((l) => [...l].sort()), levelsOf(expected))
  t.is(d.steps.find((s) => s.name === 'out')!.stateNote, undefined)
})

test('sink collect declares no state: nothing described, no note, and the run registers none either', async (t) => {
  const expected = await manifestState(build('sink-collect', sources.iterable(records), sinks.collect()), 'sink-collect')
  t.false([...expected.keys()].some((stateId) => stateId.startsWith('out/')))
  const d = build('sink-collect', sources.iterable(records), sinks.collect()).plan()
  t.deepEqual(describedState(d), expected)
  const out = d.steps.find((s) => s.name === 'out')!
  t.deepEqual([out.state, out.stateNote], [[], undefined])
})

test('a source without the declaration is described as before: no state, a note, and its position missing from the levels', async (t) => {
  // The iterable source's reader, behind a source that does not declare what it holds.
  const declared = sources.iterable(records)
  const undeclared: Source<unknown> = { kind: 'source', description: 'custom', bounded: true, open: (ctx) => declared.open(ctx) }
  const expected = await manifestState(build('undeclared', undeclared, sinks.collect()), 'undeclared')
  const d = build('undeclared', undeclared, sinks.collect()).plan()
  t.deepEqual([...expected.keys()].filter((stateId) => !describedState(d).has(stateId)), ['in/position'])
  t.regex(d.steps[0]!.stateNote!, /does not declare it \(Source\.state\)/)
  // The reduce is at level 1 in the run, at level 0 in the plan: the gap the declaration closes.
  t.deepEqual([expected.get('sum/accumulators')![1], describedState(d).get('sum/accumulators')![1]], [1, 0])
})

test('a declaration with a dependency: the plan orders the levels by it, as a run with such a holder does', async (t) => {
  // A source whose reader registers two holders, the second depending on the first.
  const source: Source<Rec> = {
    kind: 'source', description: 'two holders', bounded: true,
    state: [{ name: 'offsets', version: '3.1.0' }, { name: 'cursor', version: '1.0.0', dependsOn: ['in/offsets'] }],
    open: (ctx) => {
      let done = false
      return {
        read: () => (done ? undefined : (done = true, records)),
        position: () => done,
        holders: () => [
          { stateId: `${ctx.step}/offsets`, stateVersion: '3.1.0', snapshot: () => 0, restore: () => {} },
          { stateId: `${ctx.step}/cursor`, stateVersion: '1.0.0', dependsOn: ['in/offsets'], snapshot: () => done, restore: () => {} },
        ],
      }
    },
  }
  const expected = await manifestState(build('dep', source as Source<unknown>, sinks.collect()), 'dep')
  t.deepEqual([...expected].map(([stateId, [, level]]) => [stateId, level]), [['in/cursor', 1], ['in/offsets', 0], ['sum/accumulators', 2]])
  t.deepEqual(describedState(build('dep', source as Source<unknown>, sinks.collect()).plan()), expected)
})

test('a declaration of the wrong shape is refused by the plan, naming the step and the rule', (t) => {
  const bad = (state: unknown): Source<unknown> => ({ ...sources.iterable(records), state } as unknown as Source<unknown>)
  for (const state of ['position', [{ name: 'a/b', version: '1.0.0' }], [{ name: 'position' }], [{ name: 'p', version: '1.0.0', dependsOn: 'x' }]]) {
    const e = t.throws(() => build('bad', bad(state), sinks.collect()).plan(), { instanceOf: InvalidOptionError })
    t.true(e!.message.startsWith("step 'in': Source.state must be an array of { name, version, dependsOn? } with name a non-empty string without '/', " +
      'version a string and dependsOn an array of state ids (got '), e!.message)
  }
})
