import test from 'ava'
import { spawn } from 'node:child_process'
import { rm } from 'node:fs/promises'
import { hostname } from 'node:os'
import { fileURLToPath } from 'node:url'
import { InvalidOptionError, LeaseHeldError, StepError, pipeline, readRunRecord, sinks, sources, stores, type RunRecord, type StateStore } from '../../../index.ts'
import { updateRunRecord } from '../../../persistence/run-state/run-records.ts'
import { requestStop } from '../../../persistence/run-state/stop-request.ts'
import { blankRunRecord } from '../../fixtures/run-state-blank.ts'

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url))

/** Polls the run record until `ok` holds (at most ~10 s: a bound for a loaded machine, not a timing assert). */
async function until(store: StateStore, id: string, ok: (r: RunRecord) => boolean): Promise<RunRecord> {
  for (let i = 0; i < 500; i++) {
    const r = await readRunRecord(store, id)
    if (r && ok(r)) return r
    await new Promise((res) => setTimeout(res, 20))
  }
  throw new Error(`the run record of '${id}' never met the condition: ${JSON.stringify(await readRunRecord(store, id))}`)
}

function keyedCount(id: string, count: number, rate?: number) {
  return pipeline(id)
    .source('gen', sources.generator({ seed: 5, count, keys: 9, ...(rate && { rate }) }))
    .keyBy((r) => r.key)
    .reduce('totals', (n: number) => n + 1, () => 0)
    .sink('out', sinks.collect())
}

test('a batch job with a store ends with its run record completed and exact counts per step', async (t) => {
  const store = stores.memory()
  const n = 7_321
  const summary = await pipeline('batch')
    .source('numbers', sources.iterable(Array.from({ length: n }, (_, i) => i)))
    .filter('odd', (x: number) => x % 2 === 1)
    .map('square', (x: number) => x * x)
    .sink('out', sinks.collect()).run({ store }).done
  let odd = 0
  for (let i = 0; i < n; i++) if (i % 2 === 1) odd++ // the oracle
  const r = (await readRunRecord(store, 'batch'))!
  t.is(r.status, 'completed')
  t.is(r.recordsProcessed, n)
  t.is(r.recordsFailed, 0)
  t.is(r.lastProcessedId, n - 1)
  t.deepEqual(Object.fromEntries(Object.entries(r.steps).map(([k, s]) => [k, [s.status, s.recordsIn, s.recordsOut, s.worker]])), {
    numbers: ['completed', n, n, 'main'], odd: ['completed', n, odd, 'main'], square: ['completed', odd, odd, 'main'], out: ['completed', odd, odd, 'main'],
  })
  t.is((summary.results.out as unknown[]).length, odd)
  t.true(r.endedAt !== null && r.endedAt >= r.startedAt)
  t.deepEqual(r.runner, { runner: process.env.OXIFLOW_RUNNER_ID ?? `${hostname()}:${process.pid}`, host: hostname(), pid: process.pid })
  t.deepEqual(r.errors, [])
})

test('the final status is on record before the lease is released (what `runner stop` reads once the lease is free)', async (t) => {
  const memory = stores.memory()
  const atRelease: Array<string | undefined> = []
  // The memory store, with each lease's release first noting the run record's status.
  const store: StateStore = Object.assign(Object.create(memory) as StateStore, {
    async lease(...args: Parameters<StateStore['lease']>) {
      const l = await memory.lease(...args)
      return l && Object.assign(Object.create(l) as typeof l, {
        async release() { atRelease.push((await readRunRecord(memory, 'release-order'))?.status); return l.release() },
      })
    },
  })
  const job = pipeline('release-order').source('gen', sources.generator({ seed: 1, keys: 3, rate: 5000 }))
    .sink('out', sinks.collect()).run({ store, checkpointInterval: 50 })
  await new Promise((r) => setTimeout(r, 200))
  t.is((await job.stop()).status, 'stopped')
  t.deepEqual(atRelease, ['stopped'])
})

test("a failing job's run record is failed with the error's step, offset and code", async (t) => {
  const store = stores.memory()
  const job = pipeline('fails')
    .source('numbers', sources.iterable(Array.from({ length: 5000 }, (_, i) => i + 1)))
    .map('explode', (x: number) => { if (x === 3001) throw new Error('cannot take 3001'); return x })
    .sink('out', sinks.collect()).run({ store, batchSize: 100 })
  const e = await t.throwsAsync(job.done, { instanceOf: StepError })
  const r = (await readRunRecord(store, 'fails'))!
  t.is(r.status, 'failed')
  const last = r.errors.at(-1)!
  t.is(last.step, 'explode')
  t.is(last.code, 'ERR_STEP')
  t.is(last.offset, e!.offset)
  t.regex(last.offset!, /3001/)
  t.is(last.message, e!.message)
  t.false(last.retryable)
  t.is(r.steps['explode']!.status, 'failed')
  t.is(r.steps['numbers']!.status, 'stopped')
})

test('heartbeats put a running job on record; each checkpoint commit and the stop follow', async (t) => {
  const store = stores.memory()
  const job = keyedCount('beats', 1_000_000, 20_000).run({ store, heartbeatInterval: 20 })
  const running = await until(store, 'beats', (r) => r.status === 'running' && r.recordsProcessed > 0)
  t.is(running.endedAt, null)
  t.is(job.metrics().lease?.state, 'held')
  t.is(job.metrics().lease?.token, running.lease?.token)
  const c = await job.checkpoint()
  t.true(c.alignmentMs >= 0 && c.alignmentMs <= c.durationMs, 'alignment is part of trigger-to-commit')
  const committed = await until(store, 'beats', (r) => r.lastCheckpoint?.id === c.id)
  t.is(committed.lastCheckpoint!.bytes, c.bytes)
  const summary = await job.stop()
  const r = (await readRunRecord(store, 'beats'))!
  t.is(r.status, 'stopped')
  t.is(r.lastCheckpoint?.id, summary.checkpoints?.last?.id, 'the final checkpoint of the stop is on record')
  t.is(r.recordsProcessed, summary.steps['gen']!.recordsOut)
  t.is(job.metrics().lease?.state, 'released')
  t.true(job.metrics().runRecord!.writes >= 4 && job.metrics().runRecord!.failedWrites === 0)
})

test('a second runner refused by the lease leaves the live run record alone', async (t) => {
  const store = stores.memory()
  // The live runner: another runner id in this (live) process, holding the lease, with its record.
  const other = { runner: 'the-live-runner', host: hostname(), pid: process.pid }
  const lease = (await store.lease('pipelines/one/lease', other, 60_000))!
  const live = blankRunRecord('one', { runId: 'live', runner: other, lease: { name: lease.name, token: lease.token }, recordsProcessed: 42 })
  await updateRunRecord(store, 'one', () => live)
  await t.throwsAsync(keyedCount('one', 10).run({ store }).done, { instanceOf: LeaseHeldError })
  t.deepEqual(await readRunRecord(store, 'one'), live)
})

test('a run that takes over a dead runner\'s stale lease records the takeover', async (t) => {
  const store = stores.memory()
  const pid = await new Promise<number>((resolve) => { const c = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' }); c.on('exit', () => resolve(c.pid!)) })
  const dead = { runner: 'killed-runner', host: hostname(), pid }
  const lease = (await store.lease('pipelines/taken/lease', dead, 60_000))!
  await updateRunRecord(store, 'taken', () => blankRunRecord('taken', { runId: 'old', runner: dead, lease: { name: lease.name, token: lease.token }, lastHeartbeat: 1234 }))
  await keyedCount('taken', 500).run({ store }).done
  const r = (await readRunRecord(store, 'taken'))!
  t.is(r.status, 'completed')
  t.not(r.runId, 'old')
  t.deepEqual(r.takeover?.from, dead)
  t.is(r.takeover?.lastHeartbeat, 1234)
  const e = r.errors.find((x) => x.code === 'ERR_LEASE_TAKEOVER')!
  t.true(e.retryable)
  t.true(e.message.startsWith(`runner killed-runner (host ${hostname()}, pid ${pid}) left pipeline 'taken' running without an end`), e.message)
  t.true(r.lease!.token > lease.token)
})

test('a stop request through the store stops the job with a final checkpoint; a restore continues exactly', async (t) => {
  t.timeout(60_000)
  const store = stores.memory()
  // 10 s of input at 20,000/s: the runner reads stop requests every second.
  const whole = (await keyedCount('asked', 200_000).run().done).results.out as unknown[]
  const first = keyedCount('asked', 200_000, 20_000).run({ store, heartbeatInterval: 20 })
  const live = await until(store, 'asked', (r) => r.status === 'running' && r.recordsProcessed > 0)
  await requestStop(store, live.runner!.runner, [live.lease!], 'test')
  const a = await first.done
  t.is(a.status, 'stopped')
  t.true((a.results.out as unknown[]).length < 200_000, 'stopped mid-stream')
  const r = (await readRunRecord(store, 'asked'))!
  t.is(r.status, 'stopped')
  t.is(r.lastCheckpoint?.id, a.checkpoints?.last?.id)
  t.deepEqual(await store.leases(), [], 'the lease was released')
  const b = await keyedCount('asked', 200_000).run({ store, restore: 'latest' }).done
  t.is(b.restore?.checkpointId, a.checkpoints?.last?.id)
  t.deepEqual([...(a.results.out as unknown[]), ...(b.results.out as unknown[])], whole)
})

test('a job without a store keeps no run record and has no lease in its metrics', async (t) => {
  const job = keyedCount('nostore', 100).run()
  await job.done
  t.is(job.metrics().lease, undefined)
  t.is(job.metrics().runRecord, undefined)
})

test('options.heartbeatInterval is checked up front', (t) => {
  const e = t.throws(() => keyedCount('bad', 1).run({ store: stores.memory(), heartbeatInterval: 0 }), { instanceOf: InvalidOptionError })
  t.is(e?.message, 'run(options): options.heartbeatInterval must be a number of milliseconds ≥ 10 (got 0)')
})

test('a process whose job with a store ended exits by itself: the run record timers do not hold it', async (t) => {
  t.timeout(60_000)
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/run-state-exits.ts'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout!.on('data', (d: Buffer) => { out += d.toString() })
  let err = ''
  child.stderr!.on('data', (d: Buffer) => { err += d.toString() })
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)))
  t.is(code, 0, err)
  const [status, dir] = out.trim().split(' ')
  t.is(status, 'completed')
  if (dir) await rm(dir, { recursive: true, force: true })
})

test('a job restarted after a failure (supervision) counts the restart and lists its cause in the run record', async (t) => {
  t.timeout(60_000)
  const store = stores.memory()
  let thrown = false // throws once, on the first attempt only
  const summary = await pipeline('restarted')
    .source('gen', sources.generator({ seed: 4, count: 20_000, keys: 3 }))
    .map('flaky', (r) => { if (r.id === 12_345 && !thrown) { thrown = true; throw new Error('flaky once') } return r })
    .sink('out', sinks.collect())
    .run({ store, checkpointInterval: 20, restart: { attempts: 2, backoffMs: 10 } }).done
  t.is(summary.status, 'completed')
  const r = (await readRunRecord(store, 'restarted'))!
  t.is(r.status, 'completed')
  t.is(r.retryCount, 1)
  const cause = r.errors.find((e) => e.message.includes('flaky once'))
  t.truthy(cause, JSON.stringify(r.errors))
  t.is(cause!.code, 'ERR_STEP')
  t.true(cause!.message.startsWith('attempt 1 failed and the job restarted'), cause!.message)
  t.true(cause!.retryable)
})
