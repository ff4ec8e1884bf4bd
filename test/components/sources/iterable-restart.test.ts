// sources.iterable under a restart policy: a restart in the same process opens a new reader on the
// same input. A re-iterable input starts over and skips what the restored checkpoint covers, so the
// output is exact; a one-shot input (a generator object) that the failed attempt read is empty or
// half-read by then, and the job must fail saying so — it completed with records missing and
// nothing counting them. On workers every attempt's threads import the module again: a fresh
// generator each time, so a one-shot input restarts exactly there. Serial, small batches: inline
// jobs share one event loop, and a checkpoint must commit while the paced input is read.
import test from 'ava'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { isIterableConsumedError, type Job } from '../../../index.ts'
import { perKey } from '../../fixtures/crash/harness.ts'
import build, { type InputKind, type IterableRestartParams } from '../../fixtures/runtime/iterable-restart.ts'

const module = pathToFileURL(join(import.meta.dirname, '../../fixtures/runtime/iterable-restart.ts')).href
const count = 20_000

async function setup(t: { teardown(f: () => Promise<void>): void }, input: InputKind): Promise<{ dir: string; params: IterableRestartParams }> {
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-iterable-restart-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return { dir, params: { out: dir, marker: join(dir, 'failed'), arm: join(dir, 'arm'), input, count } }
}

/** Arms the fragile step once the job committed a checkpoint, so the restart restores a position past 0. */
async function armAfterFirstCheckpoint(job: Job, params: IterableRestartParams): Promise<void> {
  while ((job.metrics().checkpoints?.completed ?? 0) < 1 && !existsSync(params.marker)) await sleep(5)
  await writeFile(params.arm, 'fail now')
}

/** Per key, the running counts 1, 2, … of an uninterrupted run: `{"key":"k3","value":1}` … */
function expected(): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (let id = 0; id < count; id++) {
    const key = `k${id % 10}`
    ;(out[key] ??= []).push(JSON.stringify({ key, value: (out[key]?.length ?? 0) + 1 }))
  }
  return out
}

for (const input of ['generator', 'async-generator'] as const) {
  test.serial(`inline, a one-shot ${input} read before a restart fails the job with IterableConsumedError instead of completing without its records`, async (t) => {
    t.timeout(60_000)
    const { dir, params } = await setup(t, input)
    const job = build(params).run({ store: join(dir, 'store'), checkpointInterval: 50, batchSize: 50, restart: { attempts: 3, backoffMs: 10 } })
    await armAfterFirstCheckpoint(job, params)
    const error = await t.throwsAsync(job.done)
    t.true(isIterableConsumedError(error), String(error))
    if (!isIterableConsumedError(error)) return
    t.is(error.code, 'ERR_ITERABLE_CONSUMED')
    t.is(error.step, 'nums')
    t.true(error.alreadyRead > 0)
    t.regex(error.message, /^step 'nums': the input of sources\.iterable is one-shot .* Pass an array, or an iterable that starts over on each call/)
    // The step's failure was restarted once; the consumed input is not retried with the attempts left.
    const restarts = job.metrics().restarts
    t.is(restarts?.attempts, 1)
    t.is(restarts?.causes[0].cause.code, 'ERR_STEP')
  })
}

for (const input of ['array', 'set', 're-iterable', 'async-re-iterable'] as const) {
  test.serial(`inline, a re-iterable input (${input}) restarts from the restored checkpoint and the output is exact`, async (t) => {
    t.timeout(60_000)
    const { dir, params } = await setup(t, input)
    const job = build(params).run({ store: join(dir, 'store'), checkpointInterval: 50, batchSize: 50, restart: { attempts: 2, backoffMs: 10 } })
    await armAfterFirstCheckpoint(job, params)
    const summary = await job.done
    t.is(summary.status, 'completed')
    t.is(summary.restarts?.attempts, 1)
    t.true((summary.restarts?.causes[0].restoredFrom ?? 0) >= 1, 'the restart must restore a committed checkpoint')
    t.deepEqual(perKey(await readFile(join(dir, 'counts.jsonl'), 'utf8')), expected())
  })
}

for (const input of ['generator', 'async-generator'] as const) {
  test.serial(`2 workers: a one-shot ${input} is built afresh by each attempt's worker threads, so a restart is exact`, async (t) => {
    t.timeout(120_000)
    const { dir, params } = await setup(t, input)
    const job = build(params).run({ workers: 2, module, params, store: join(dir, 'store'), checkpointInterval: 50, batchSize: 50, restart: { attempts: 2, backoffMs: 10 } })
    await armAfterFirstCheckpoint(job, params)
    const summary = await job.done
    t.is(summary.status, 'completed')
    t.is(summary.restarts?.attempts, 1)
    t.deepEqual(perKey(await readFile(join(dir, 'counts.jsonl'), 'utf8')), expected())
  })
}
