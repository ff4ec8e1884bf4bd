import test from 'ava'
import { hostname } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { InvalidOptionError, partitions, pipeline, sinks, sources, stores } from '../../../index.ts'
import type { PartitionEvent, PartitionRunner } from '../../../runtime/partitions/index.ts'
import { ownProcessStart } from '../../../persistence/stores/lease-holder.ts'

/** Unbounded partition jobs (a paced generator per partition), so only balancing moves them. */
const build = (id: string) => (p: number) => pipeline(`${id}-p${p}`).source('gen', sources.generator({ seed: p, rate: 2000 })).sink('out', sinks.collect())

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; !ok(); i++) {
    if (i > 1500) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

test.serial('a runner alone takes every partition; a second runner joining gets its fair share by hand-over, restored from the final checkpoints', async (t) => {
  t.timeout(60_000)
  const store = stores.memory()
  const events: PartitionEvent[] = []
  const options = { group: 'balance', partitions: 4, store, pipeline: build('balance'), pollMs: 50, onEvent: (e: PartitionEvent) => events.push(e) }
  const a: PartitionRunner = partitions.run({ ...options, runner: 'a' })
  t.teardown(() => a.stop().then(() => undefined, () => undefined))
  await until('runner a to hold 4', () => a.partitions().length === 4)
  const b: PartitionRunner = partitions.run({ ...options, runner: 'b' })
  t.teardown(() => b.stop().then(() => undefined, () => undefined))
  await until('two each', () => a.partitions().length === 2 && b.partitions().length === 2)
  const handed = events.filter((e) => e.kind === 'handed-over').map((e) => e.partition)
  t.is(handed.length, 2)
  t.deepEqual(handed.sort(), b.partitions(), 'b runs the two partitions a handed over')
  await until('b to report restoring them', () => events.filter((e) => e.runner === 'b' && e.kind === 'acquired' && e.checkpointId !== undefined).length === 2)
  const [sa, sb] = await Promise.all([a.stop(), b.stop()])
  t.is(sa.status, 'stopped')
  t.is(sb.status, 'stopped')
  t.deepEqual(await store.leases(), [], 'every lease released')
})

const bad: [string, () => unknown, string][] = [
  ['group', () => partitions.run({ group: 'a/b', partitions: 2, store: stores.memory(), pipeline: build('x') }),
    'partitions.run: options.group must be a name of letters, digits, ., _, ~ or - (got "a/b")'],
  ['partitions', () => partitions.run({ group: 'g', partitions: 0, store: stores.memory(), pipeline: build('x') }),
    'partitions.run: options.partitions must be a positive integer (got 0)'],
  ['pipeline', () => partitions.run({ group: 'g', partitions: 2, store: stores.memory(), pipeline: 'p' as never }),
    'partitions.run: options.pipeline must be a function of the partition number returning its Pipeline (got "p")'],
  ['run.restore', () => partitions.run({ group: 'g', partitions: 2, store: stores.memory(), pipeline: build('x'), run: { restore: 'latest' } as never }),
    'partitions.run: options.run must not set store or restore — every partition job uses options.store and restores its latest checkpoint'],
]
for (const [option, make, message] of bad) {
  test(`bad option ${option}: InvalidOptionError with the rule`, (t) => {
    const e = t.throws(make, { instanceOf: InvalidOptionError })
    t.is(e!.message, message)
  })
}

test('partitions that build the same pipeline id fail the runner, naming both', async (t) => {
  const runner = partitions.run({ group: 'same', partitions: 2, store: stores.memory(), pollMs: 20, pipeline: () => build('same')(0) })
  const e = await t.throwsAsync(runner.done, { instanceOf: InvalidOptionError })
  t.regex(e!.message, /partitions 0 and 1 build the same pipeline id 'same-p0'/)
})

test.serial('a partition whose job is refused at start (its pipeline lease still held) is not reported acquired; once the lease is free it is, once', async (t) => {
  t.timeout(60_000)
  const store = stores.memory()
  // The previous holder of the partition's pipeline: a live runner of this process, another runner id.
  const held = (await store.lease('pipelines/refused-p0/lease', { runner: 'previous', host: hostname(), pid: process.pid, ...ownProcessStart() }, 60_000))!
  t.truthy(held)
  const events: PartitionEvent[] = []
  const finite = (p: number) => pipeline(`refused-p${p}`).source('gen', sources.generator({ seed: p, count: 100 })).sink('out', sinks.collect())
  const runner: PartitionRunner = partitions.run({ group: 'refused', partitions: 1, store, pipeline: finite, pollMs: 20, runner: 'r', onEvent: (e) => events.push(e) })
  t.teardown(() => runner.stop().then(() => undefined, () => undefined))
  await sleep(1_000) // dozens of rounds, each taking the partition lease and starting a job the pipeline lease refuses
  t.deepEqual(events.filter((e) => e.kind === 'acquired'), [], 'no round reported the partition acquired')
  await held.release()
  const summary = await runner.done
  t.is(summary.status, 'completed')
  t.deepEqual(events.map((e) => e.kind), ['acquired', 'completed'], JSON.stringify(events))
})
