import test from 'ava'
import { InvalidOptionError, LeaseLostError, PipelineDefinitionError, StepError, WorkerCrashError, stores } from '../../../index.ts'
import { backoffFor, isRestartable, resolveRestart } from '../../../runtime/job/restart-policy.ts'

const checkpointing = { store: stores.memory(), intervalMs: 100, timeoutMs: 1000, codec: 'none' as const, retain: 1, restore: undefined }

test('backoff doubles from backoffMs and stops growing at 30 s (or at backoffMs when that is larger)', (t) => {
  const p = resolveRestart({ attempts: 10, backoffMs: 500 }, checkpointing)!
  t.deepEqual([1, 2, 3, 4, 5, 6, 7, 8].map((a) => backoffFor(p, a)), [500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000])
  t.is(backoffFor(resolveRestart({ attempts: 2, backoffMs: 45_000 }, checkpointing)!, 2), 45_000)
  t.is(resolveRestart({ attempts: 1 }, checkpointing)!.backoffMs, 1000)
})

test('failures a restart can get past are restarted; configuration and lease failures are not', (t) => {
  t.true(isRestartable(new StepError('parse', 'input record 3', new Error('bad'))))
  t.true(isRestartable(new WorkerCrashError(1, 'its thread exited with code 7')))
  t.true(isRestartable(new Error('ECONNRESET from a user sink')))
  t.false(isRestartable(new InvalidOptionError('workers', 'bad')))
  t.false(isRestartable(new PipelineDefinitionError('bad pipeline')))
  t.false(isRestartable(new LeaseLostError('p', 'taken over by runner r2')))
})

test('restart with zero attempts needs no store; with attempts it does', (t) => {
  t.deepEqual(resolveRestart({ attempts: 0 }, undefined), { attempts: 0, backoffMs: 1000 })
  t.throws(() => resolveRestart({ attempts: 1 }, undefined), { message: /needs checkpoints/ })
  t.is(resolveRestart(undefined, undefined), undefined)
})

test('restart attempts and backoffMs are checked up front, the message showing the value as given', (t) => {
  t.throws(() => resolveRestart({ attempts: '3' as never }, checkpointing), {
    instanceOf: InvalidOptionError, message: 'run(options): options.restart.attempts must be an integer ≥ 0 (got "3")',
  })
  t.throws(() => resolveRestart({ attempts: 1, backoffMs: -1 }, checkpointing), {
    instanceOf: InvalidOptionError, message: 'run(options): options.restart.backoffMs must be a number of milliseconds ≥ 0 (got -1)',
  })
})
