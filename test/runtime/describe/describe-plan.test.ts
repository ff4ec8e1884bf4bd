import test from 'ava'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { agg, pipeline, sinks, sources, windows, type PlanDescription, type Sink, type Source } from '../../../index.ts'

// Hand-checked expectations of the plans of small pipelines: fusion, instances and hosts, key
// groups, exchanges, side edges. State against a real checkpoint's manifest: state.test.ts.

type Rec = { key: string; value: number; ts: number }
const records: Rec[] = Array.from({ length: 20 }, (_, i) => ({ key: `k${i % 5}`, value: i, ts: i * 1000 }))

/** Every key group 0..max-1 owned by exactly one instance: counted one group at a time (the oracle), not from the ranges' arithmetic. */
function owners(d: PlanDescription, actor: number): number[] {
  const owned = new Array<number>(d.maxKeyGroups).fill(0)
  for (const inst of d.actors[actor]!.instances) for (let g = inst.keyGroups!.start; g <= inst.keyGroups!.end; g++) owned[g]!++
  return owned
}

test('a stateless chain inline fuses into one actor on the main thread, with no exchange', (t) => {
  const p = pipeline('chain').source('in', sources.iterable(records))
    .map('double', (r) => ({ ...r, value: r.value * 2 })).filter('big', (r) => r.value > 10).sink('out', sinks.collect())
  const d = p.plan()
  t.deepEqual(d.actors, [{ id: 0, steps: ['in', 'double', 'big', 'out'], parallelism: 1, instances: [{ index: 0, host: 'main' }] }])
  t.deepEqual(d.exchanges, [])
  t.deepEqual(d.steps.map((s) => [s.name, s.kind, s.actor, s.inputs, s.keyed, s.state.length]), [
    ['in', 'source', 0, [], false, 1], ['double', 'map', 0, ['in'], false, 0], ['big', 'filter', 0, ['double'], false, 0], ['out', 'sink', 0, ['big'], false, 0],
  ])
  t.is(d.steps[3]!.detail, 'collect()')
  // The iterable source declares its read position; collect() declares that it holds nothing.
  t.deepEqual(d.steps[0]!.state, [{ stateId: 'in/position', version: '1.0.0', scope: 'operator', dependsOn: [], restoreLevel: 0 }])
  t.deepEqual(d.steps.map((s) => s.stateNote), [undefined, undefined, undefined, undefined])
  t.deepEqual(d.restoreLevels, [['in/position']])
  t.deepEqual([d.format, d.pipelineId, d.workers, d.maxKeyGroups], [1, 'chain', 0, 128])
})

const windowed = () => pipeline('win').source('in', sources.iterable(records))
  .keyBy((r) => r.key).window('w', windows.tumbling({ size: 5000, time: (r: Rec) => r.ts })).aggregate('per5s', { n: agg.count() })
  .sink('out', sinks.collect())

test('keyBy → window → sink inline: the sink fuses into the window\'s actor, all on main, and the hash exchange stays on the thread', (t) => {
  const d = windowed().plan({ workers: 0 })
  t.deepEqual(d.actors.map((a) => [a.steps, a.parallelism, a.instances.map((i) => i.host)]), [[['in'], 1, ['main']], [['per5s', 'out'], 1, ['main']]])
  t.deepEqual(d.actors[1]!.instances[0]!.keyGroups, { start: 0, end: 127 })
  t.deepEqual(d.exchanges, [{ from: 'in', to: 'per5s', fromActor: 0, toActor: 1, partitioning: 'hash', crossesThreads: false }])
  // Restored after the source's position, upstream of it.
  t.deepEqual(d.steps[1]!.state, [{ stateId: 'per5s/w', version: d.steps[1]!.state[0]!.version, scope: 'keyed', dependsOn: [], restoreLevel: 1 }])
  t.regex(d.steps[1]!.detail!, /^w: tumbling\(\{ size: 5000.*\}\) → aggregate\(n\)$/)
  t.deepEqual(d.restoreLevels, [['in/position'], ['per5s/w']])
})

for (const workers of [2, 3]) {
  test(`keyBy → window → sink on ${workers} workers: instance i on worker 1 + i mod ${workers}, key groups covering 0..127 once, the sink on main`, (t) => {
    const d = windowed().plan({ workers })
    t.is(d.workers, workers)
    const [source, win, sink] = d.actors
    t.deepEqual(source!.instances, [{ index: 0, host: 'worker 1' }])
    t.deepEqual(win!.steps, ['per5s'])
    t.deepEqual(win!.instances.map((i) => i.host), Array.from({ length: workers }, (_, i) => `worker ${1 + i}`))
    t.deepEqual(owners(d, 1), new Array(128).fill(1))
    // Contiguous ranges in instance order (Flink's assignment), none empty.
    for (let i = 1; i < workers; i++) t.is(win!.instances[i]!.keyGroups!.start, win!.instances[i - 1]!.keyGroups!.end + 1)
    t.deepEqual(sink!.instances, [{ index: 0, host: 'main' }])
    t.deepEqual(d.exchanges.map((e) => [e.from, e.to, e.partitioning, e.crossesThreads]), [['in', 'per5s', 'hash', true], ['per5s', 'out', 'rebalance', true]])
    t.deepEqual(d.steps.find((s) => s.name === 'per5s')!.parallelism, workers)
  })
}

test('key groups cover 0..maxKeyGroups-1 with no gap or overlap for every parallelism up to maxKeyGroups', (t) => {
  for (const max of [1, 7, 128]) {
    for (let parallelism = 1; parallelism <= Math.min(max, 9); parallelism++) {
      const p = pipeline('kg').source('in', sources.iterable(records)).keyBy((r) => r.key)
        .reduce('sum', (a: number, r: Rec) => a + r.value, () => 0, { parallelism }).sink('out', sinks.collect())
      const d = p.plan({ maxKeyGroups: max })
      t.deepEqual(owners(d, d.steps.find((s) => s.name === 'sum')!.actor), new Array(max).fill(1), `max ${max}, parallelism ${parallelism}`)
    }
  }
})

test('a map after a keyed reduce fuses into the reduce\'s actor; the reduce keeps keyed accumulators', (t) => {
  const p = pipeline('fw').source('in', sources.iterable(records)).keyBy((r) => r.key)
    .reduce('sum', (a: number, r: Rec) => a + r.value, () => 0).map('fmt', (r) => r).sink('out', sinks.collect())
  const d = p.plan({ workers: 2 })
  // Stateless, forward, the same parallelism, and the reduce's only consumer: fused (plan.ts).
  t.deepEqual(d.actors.map((a) => a.steps), [['in'], ['sum', 'fmt'], ['out']])
  t.deepEqual(d.steps.find((s) => s.name === 'sum')!.state.map((s) => [s.stateId, s.version, s.scope]), [['sum/accumulators', '1.1.0', 'keyed']])
})

test('a union of two sources is one instance reading both, each edge an exchange of its own', (t) => {
  const p = pipeline('u')
  const a = p.source('a', sources.iterable([1, 2]))
  const b = p.source('b', sources.iterable([3]))
  a.union('both', b).map('inc', (n) => n + 1).sink('out', sinks.collect())
  const d = p.plan({ workers: 2 })
  t.deepEqual(d.steps.map((s) => [s.name, s.inputs, s.actor]), [['a', [], 0], ['b', [], 1], ['both', ['a', 'b'], 2], ['inc', ['both'], 3], ['out', ['inc'], 4]])
  t.deepEqual(d.actors.map((a) => [a.steps, a.parallelism]), [[['a'], 1], [['b'], 1], [['both'], 1], [['inc'], 2], [['out'], 1]])
  t.deepEqual(d.exchanges.map((e) => [e.from, e.to, e.partitioning, e.crossesThreads]), [
    ['a', 'both', 'forward', false], ['b', 'both', 'forward', false], ['both', 'inc', 'rebalance', true], ['inc', 'out', 'rebalance', true],
  ])
})

test('dead letters: the planner\'s side-output sink comes last, fed by a side edge from each sending actor', (t) => {
  const dead = sinks.collect()
  const p = pipeline('dl').source('in', sources.iterable(records))
  p.map('parse', (r) => r, { onError: { deadLetter: dead } }).keyBy((r) => r.key)
    .reduce('sum', (a: number, r: Rec) => a + r.value, () => 0, { onError: { deadLetter: dead } }).sink('out', sinks.collect())
  const d = p.plan({ workers: 2 })
  const last = d.steps[d.steps.length - 1]!
  t.deepEqual([last.name, last.kind, last.inputs, last.parallelism], ['parse-dead-letter', 'sink', ['parse', 'sum'], 1])
  t.is(last.detail, 'collect(): dead letters of parse, sum')
  const side = d.exchanges.filter((e) => e.side)
  t.deepEqual(side.map((e) => [e.from, e.to, e.partitioning, e.side]), [['parse', 'parse-dead-letter', 'rebalance', true], ['sum', 'parse-dead-letter', 'rebalance', true]])
  t.deepEqual(d.actors[d.actors.length - 1]!.instances, [{ index: 0, host: 'main' }])
})

test('p.plan checks the graph and its options as p.run does, with the same errors, naming plan(options)', (t) => {
  const p = windowed()
  const asPlan = (message: string): string => message.replace(/^run\(options\)/, 'plan(options)')
  for (const workers of [-1, 1.5, 10_000, '2']) {
    const run = t.throws(() => p.run({ workers: workers as number, module: import.meta.url }))
    const plan = t.throws(() => p.plan({ workers: workers as number }))
    t.is(plan!.message, asPlan(run!.message))
    t.regex(plan!.message, /^plan\(options\): /)
    t.is(plan!.constructor, run!.constructor)
  }
  t.is(t.throws(() => p.plan({ maxKeyGroups: 0 }))!.message, asPlan(t.throws(() => p.run({ maxKeyGroups: 0 }))!.message))
  const dangling = pipeline('d')
  dangling.source('in', sources.iterable([1])).map('m', (n) => n)
  t.is(t.throws(() => dangling.plan())!.message, t.throws(() => dangling.run())!.message)
})

test('without running anything: sources and sinks are not opened, record functions and key functions not called', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'oxiflow-plan-'))
  const touched = join(dir, 'opened')
  const calls: string[] = []
  const source: Source<Rec> = { kind: 'source', description: 'explodes', bounded: true, open: () => { writeFileSync(touched, 'source'); throw new Error('opened') } }
  const sink: Sink<unknown> = { kind: 'sink', description: 'explodes too', open: () => { writeFileSync(touched, 'sink'); throw new Error('opened') } }
  const p = pipeline('quiet').source('in', source).map('m', (r) => { calls.push('map'); return r })
    .keyBy((r) => { calls.push('key'); return r.key })
    .process('p', () => ({ onBatch: () => { calls.push('onBatch') }, onEnd: () => { calls.push('onEnd') } })).sink('out', sink)
  const d = p.plan({ workers: 2 })
  t.is(d.steps.length, 4)
  t.false(existsSync(touched))
  t.deepEqual(calls, [])
  t.regex(d.steps[0]!.stateNote!, /opens nothing/)
  t.regex(d.steps[3]!.stateNote!, /opens nothing/)
  // Declared state is read off the source and sink objects: still nothing is opened.
  const declared = pipeline('quiet-declared').source('in', { ...source, state: [{ name: 'position', version: '1.0.0' }] })
    .sink('out', { ...sink, state: [{ name: 'output', version: '2.0.0' }] }).plan({ workers: 2 })
  t.false(existsSync(touched))
  t.deepEqual(declared.restoreLevels, [['in/position'], ['out/output']])
})
