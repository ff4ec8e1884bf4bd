// Incremental checkpoints in the store (issue 16, part 3): how much a checkpoint of changes
// writes, a corrupted link of a chain, retention over chains, and manifests written before
// incremental checkpoints. The keyed count holder is test/fixtures/incremental/keyed-counts.ts.
import test from 'ava'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { checkpoints, pipeline, sinks, stores, type Source, type StateStore } from '../../index.ts'
import { encodeManifest, type Manifest } from '../../persistence/checkpoints/manifest.ts'
import { manifestKey } from '../../persistence/checkpoints/checkpoint-layout.ts'
import { keyFile } from '../../persistence/stores/key-files.ts'
import build, { countsOxi, type Params } from '../fixtures/incremental/keyed-counts.ts'

type Rec = { key: string; value: number; noop?: boolean }
type Out = { key: string; n: number }

/** A source the test feeds: a read waits for the next push; a stop ends it. */
function fed(): { source: Source<Rec>; push(rs: Rec[]): void } {
  const queue: Rec[] = []
  let wake: (() => void) | undefined
  let read = 0
  return {
    push(rs) { queue.push(...rs); wake?.() },
    source: {
      kind: 'source', description: 'fed', bounded: false,
      open: (ctx) => ({
        read: async (max) => {
          while (queue.length === 0) {
            if (ctx.signal.aborted) return undefined
            await new Promise<void>((resolve) => { wake = resolve; ctx.signal.addEventListener('abort', () => resolve(), { once: true }) })
          }
          const batch = queue.splice(0, max)
          read += batch.length
          return batch
        },
        position: () => read,
      }),
    },
  }
}

const countBytes = (m: Manifest): number => m.holders.filter((h) => h.stateId === 'count/totals').reduce((n, h) => n + h.storedBytes, 0)

test('incremental_onePercentKeyChurn_writesAtMostFivePercentOfAFullCheckpoint', async (t) => {
  t.timeout(60_000)
  const keys = 20_000
  const { source, push } = fed()
  const p = pipeline('churn')
  p.source('in', source).keyBy((r) => r.key).process('count', countsOxi).sink('out', sinks.collect())
  const store = stores.memory()
  // A running job holds the process up: whatever happens, the test ends it (a stop that cannot
  // finish fails the job after stopTimeout).
  const job = p.run({ store, codec: 'none', incremental: { fullEvery: 10, maxChainRatio: 1 }, stopTimeout: 5_000 })
  t.teardown(() => job.stop().then(() => {}, () => {}))
  // Nothing here may wait for ever: a wait that runs out fails the test saying what it waited for.
  const within = <T>(p: Promise<T>, what: string): Promise<T> => Promise.race([p, new Promise<never>((_, reject) => {
    setTimeout(() => reject(new Error(`${what} did not finish in 20 s; checkpoints: ${JSON.stringify(job.metrics().checkpoints)}`)), 20_000).unref()
  })])
  const processed = async (n: number): Promise<void> => {
    const deadline = Date.now() + 20_000
    while ((job.metrics().steps.count?.recordsIn ?? 0) < n) {
      if (Date.now() > deadline) throw new Error(`step count handled ${job.metrics().steps.count?.recordsIn} records in 20 s, not ${n}`)
      await sleep(2)
    }
  }
  /** Pushes a no-op record every 5 ms until `done` settles (or 20 s ran out). */
  const ticking = async <T>(done: Promise<T>, what: string): Promise<T> => {
    const timer = setInterval(() => push([{ key: 'tick', value: 0.5, noop: true }]), 5)
    push([{ key: 'tick', value: 0.5, noop: true }])
    try {
      return await within(done, what)
    } finally {
      clearInterval(timer)
    }
  }
  // A checkpoint while the source waits: its barrier goes out after the read in flight when the
  // checkpoint pauses the source, so no-op records tick until it is done — one is not enough when
  // the pause comes after the source took that record and started its next read.
  const checkpoint = () => ticking(job.checkpoint(), 'a checkpoint')
  push(Array.from({ length: keys }, (_, i) => ({ key: `k${i}`, value: 0.001 })))
  await processed(keys)
  const full = await checkpoint()
  const before = job.metrics().steps.count?.recordsIn ?? 0 // the ticks included
  push(Array.from({ length: keys / 100 }, (_, i) => ({ key: `k${i * 97}`, value: 0.001 })))
  await processed(before + keys / 100)
  const changes = await checkpoint()
  // The stop's barrier, like a checkpoint's, waits for the pending read: ticks until it is done.
  await ticking(job.stop(), 'the stop')
  const cps = checkpoints(store, 'churn')
  const [a, b] = [await cps.show(full.id), await cps.show(changes.id)]
  t.true(a.holders.every((h) => h.snapshot === 'full'))
  t.true(b.holders.filter((h) => h.stateId === 'count/totals').every((h) => h.snapshot === 'changes' && h.chain?.[0]?.checkpointId === full.id))
  const ratio = countBytes(b) / countBytes(a)
  t.log(`full ${countBytes(a)} bytes, changes at 1 % churn ${countBytes(b)} bytes: ${(ratio * 100).toFixed(2)} %`)
  t.true(ratio <= 0.05, `changes wrote ${(ratio * 100).toFixed(2)} % of a full checkpoint`)
})

const params: Params = { seed: 11, count: 40_000, keys: 400, rate: 40_000 }

/** Runs the keyed count, takes `n` checkpoints a few ms apart, stops; returns its output. */
async function runTaking(store: StateStore, n: number, options: Record<string, unknown> = {}): Promise<Out[]> {
  const job = build(params).run({ store, incremental: { fullEvery: 10, maxChainRatio: 100 }, ...options })
  while (job.metrics().status === 'starting') await sleep(2)
  for (let i = 0; i < n; i++) { await sleep(5); await job.checkpoint() }
  return (await job.stop()).results.out as Out[]
}

async function whole(): Promise<Out[]> {
  return (await build(params).run().done).results.out as Out[]
}

test('restore_latest_corruptedChangesBlob_fallsBackToTheNewestIntactChainAndSaysWhy', async (t) => {
  t.timeout(60_000)
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-incremental-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const store = stores.file(dir)
  await runTaking(store, 3) // 1 full, 2–3 changes, 4 (the stop's) changes
  const cps = checkpoints(store, 'incremental')
  const third = (await cps.show(3)).holders.find((h) => h.stateId === 'count/totals')!
  t.is(third.snapshot, 'changes')
  const file = keyFile(join(dir, 'data'), third.blob)
  const bytes = await readFile(file)
  bytes[bytes.length - 1] ^= 0xff
  await writeFile(file, bytes)
  const reports = await cps.verify()
  t.deepEqual(reports.map((r) => [r.checkpointId, r.ok]), [[4, false], [3, false], [2, true]])
  t.deepEqual(reports[0]!.problems.map((p) => [p.stateId, p.link, p.blob]), [['count/totals', 3, third.blob]])
  t.deepEqual(reports[1]!.problems.map((p) => [p.stateId, p.link, p.blob]), [['count/totals', undefined, third.blob]])
  const restored = await build(params).run({ store, restore: 'latest' }).done
  t.is(restored.restore?.checkpointId, 2)
  t.deepEqual(restored.restore?.skipped.map((s) => s.id), [4, 3])
  t.regex(restored.restore!.skipped[0]!.reason, /state 'count\/totals' of step 'count', key groups \d+-\d+ \(its chain's blob of checkpoint 3\): checksum mismatch/)
  t.regex(restored.restore!.message, /from checkpoint 2 \(skipped checkpoint 4: .*checkpoint 3.*; skipped checkpoint 3: /)
  // From checkpoint 2 on, the run continues the uninterrupted one: its output is that run's tail.
  const all = await whole()
  const rest = restored.results.out as Out[]
  t.true(rest.length > 0)
  t.deepEqual(rest, all.slice(all.length - rest.length))
})

test('retain_twoOverTenIncrementalCheckpoints_neverLeavesARetainedChainBroken', async (t) => {
  t.timeout(60_000)
  const store = stores.memory()
  // Input for 10 s: the job must not reach its end during the 10 checkpoints (on a starved machine 1 s of it did).
  const job = build({ ...params, count: 400_000 }).run({ store, retain: 2, incremental: { fullEvery: 4, maxChainRatio: 100 } })
  while (job.metrics().status === 'starting') await sleep(2)
  const cps = checkpoints(store, 'incremental')
  let chained = 0
  for (let i = 0; i < 10; i++) {
    await sleep(3)
    await job.checkpoint()
    const reports = await cps.verify()
    t.deepEqual(reports.filter((r) => !r.ok), [], `after checkpoint ${i + 1}`)
    t.true(reports.length <= 2)
    const newest = await cps.show(reports[0]!.checkpointId)
    chained = Math.max(chained, ...newest.holders.map((h) => h.chain?.length ?? 0))
    // Nothing outlives its use: every blob in the store is one a retained checkpoint's chain reads.
    const referenced = new Set<string>()
    for (const r of reports) for (const h of (await cps.show(r.checkpointId)).holders) for (const b of [h.blob, ...(h.chain ?? []).map((l) => l.blob)]) referenced.add(b)
    const blobs = (await store.list('pipelines/incremental/checkpoints/')).filter((k) => k.endsWith('.blob'))
    t.deepEqual(blobs.filter((k) => !referenced.has(k)), [], `unreferenced blobs after checkpoint ${i + 1}`)
  }
  t.is(chained, 3, 'chains reached fullEvery − 1 links (so retention had older checkpoints\' blobs to keep)')
  await job.stop()
  t.deepEqual((await cps.verify()).filter((r) => !r.ok), [])
})

test('restore_manifestWithoutChainFields_stillRestores', async (t) => {
  t.timeout(60_000)
  const store = stores.memory()
  const first = await runTaking(store, 1, { incremental: false })
  const cps = checkpoints(store, 'incremental')
  const [newest] = await cps.list()
  const m = await cps.show(newest!.id)
  t.true(m.holders.every((h) => h.snapshot === 'full' && h.chain === undefined))
  // As written before incremental checkpoints: no snapshot field on any holder.
  const { checksum: _, ...content } = m
  const old = { ...content, holders: m.holders.map(({ snapshot: _s, chain: _c, ...h }) => h) }
  await store.put(manifestKey('incremental', m.checkpointId), encodeManifest(old).bytes)
  t.false((await cps.show(m.checkpointId)).holders.some((h) => 'snapshot' in h))
  const second = await build(params).run({ store, restore: 'latest' }).done
  t.is(second.restore?.checkpointId, m.checkpointId)
  t.deepEqual([...first, ...second.results.out as Out[]], await whole())
})
