import test from 'ava'
import { pipeline, sinks, sources, type Sink, type Source } from '../../../index.ts'
import { describedState, levelsOf, manifestState } from '../../fixtures/describe/manifest-state.ts'
import { appendRedis, createStream, deleteRedis, deleteStream, events, NATS, publish, readRedis, readStream, REDIS, suffix, type Event } from '../../fixtures/broker-records.ts'

// The state of the broker sources and sinks as a plan describes it from their declarations,
// without connecting. The oracle: a real run against the local Redis (127.0.0.1:6379) and NATS
// JetStream (127.0.0.1:4222) with a store; its newest checkpoint's manifest lists the holders
// the opened readers and writers registered (ids, versions, restore levels).

/** source → keyed reduce → sink: the source's position at level 0, the reduce's state at 1, the sink's output at 2. */
function build(id: string, source: Source<Event>, sink: Sink<unknown>) {
  return pipeline(id).source('in', source).keyBy((r) => r.key).reduce('sum', (a: number, r) => a + r.value, () => 0).sink('out', sink)
}

const LEVELS = [['in/position', 0], ['out/output', 2], ['sum/accumulators', 1]]

/** How many records the same pipeline outputs for the same input in memory: what the broker run must have written. */
async function outputCount(): Promise<number> {
  const summary = await build(`plan-mem-${suffix()}`, sources.iterable(events(0, 200)), sinks.collect()).run().done
  return (summary.results.out as unknown[]).length
}

test('Redis stream source and sink: the plan describes the position and the staged output as the run\'s checkpoint holds them', async (t) => {
  t.timeout(60_000)
  const prefix = `oxiflow-plan-state-${suffix()}`
  const [input, output] = [`${prefix}:in`, `${prefix}:out`]
  t.teardown(() => deleteRedis([input, output, `${output}:oxiflow-written`]))
  await appendRedis(input, events(0, 200))
  const make = () => build(`plan-rs-${suffix()}`, sources.redisStream<Event>({ url: REDIS, key: input, stopAtEnd: true }), sinks.redisStream({ url: REDIS, key: output }))
  const ran = make()
  const expected = await manifestState(ran, ran.id)
  t.deepEqual([...expected].map(([stateId, [, level]]) => [stateId, level]), LEVELS)
  // The run really went through the brokers: its whole output reached the output stream.
  t.is((await readRedis(output)).length, await outputCount())
  const d = make().plan()
  t.deepEqual(describedState(d), expected)
  t.deepEqual(d.restoreLevels.map((l) => [...l].sort()), levelsOf(expected))
  t.deepEqual(d.steps.filter((s) => s.stateNote !== undefined).map((s) => s.name), [])
})

test('JetStream source and sink: the plan describes the position and the staged output as the run\'s checkpoint holds them', async (t) => {
  t.timeout(60_000)
  const name = `oxiflow-plan-state-${suffix()}`
  await createStream(name, [`${name}.>`])
  t.teardown(() => deleteStream(name))
  await publish(`${name}.in`, events(0, 200))
  const make = () => build(`plan-js-${suffix()}`, sources.jetstream<Event>({ servers: NATS, stream: name, subject: `${name}.in`, stopAtEnd: true }),
    sinks.jetstream({ servers: NATS, subject: `${name}.out` }))
  const ran = make()
  const expected = await manifestState(ran, ran.id)
  t.deepEqual([...expected].map(([stateId, [, level]]) => [stateId, level]), LEVELS)
  t.is((await readStream(name, `${name}.out`)).length, await outputCount())
  const d = make().plan()
  t.deepEqual(describedState(d), expected)
  t.deepEqual(d.restoreLevels.map((l) => [...l].sort()), levelsOf(expected))
  t.deepEqual(d.steps.filter((s) => s.stateNote !== undefined).map((s) => s.name), [])
})
