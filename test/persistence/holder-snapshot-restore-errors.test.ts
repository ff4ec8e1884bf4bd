import test, { type ExecutionContext } from 'ava'
import { findNonPlain } from '../../persistence/codec/find-non-plain.ts'
import { StateRestoreError } from '../../persistence/checkpoints/state-restore-error.ts'
import { StateSnapshotError } from '../../persistence/codec/state-snapshot-error.ts'
import { stores } from '../../index.ts'
import holderFaults, { Tally, type Fault } from '../fixtures/persistence/holder-faults.ts'

// Issue 13, low item: a snapshot() returning what v8.serialize cannot take, or a restore() that
// throws, failed with ERR_UNEXPECTED naming no step or state; class instances came back as plain
// objects without a word. Now: typed errors naming the step, the state id and what to do; a
// warning once per holder for a class instance.

const module = new URL('../fixtures/persistence/holder-faults.ts', import.meta.url).href

/** Runs the fixture paced, takes a checkpoint on demand; resolves with how the job ended. */
async function checkpointed(t: ExecutionContext, fault: Fault, workers = 0) {
  // 5 s of input: worker threads take a while to start on a loaded machine.
  const params = { fault, count: 100_000, rate: 20_000 }
  const job = holderFaults(params).run({ store: stores.memory(), workers, ...(workers > 0 && { module, params }) })
  for (let i = 0; i < 400 && job.metrics().status !== 'running'; i++) await new Promise((r) => setTimeout(r, 10))
  const checkpoint = job.checkpoint()
  const done = job.done
  // The checkpoint fails with the job, at once (it waited for the checkpoint timeout before).
  await t.throwsAsync(checkpoint, { code: 'ERR_CHECKPOINT_HALTED' })
  return done
}

for (const workers of [0, 1]) {
  test(`snapshot holding a function (workers ${workers}): StateSnapshotError naming step, state and where the function is`, async (t) => {
    t.timeout(60_000)
    const e = await t.throwsAsync(checkpointed(t, 'function-in-snapshot', workers), { instanceOf: StateSnapshotError })
    t.is(e!.code, 'ERR_STATE_SNAPSHOT')
    t.regex(e!.message, /^step 'count': the snapshot of state 'count\/totals' failed: v8\.serialize cannot take the value it returned at \.onChange \(a function\)/)
    t.regex(e!.message, /snapshot\(\) must return plain data/)
  })
}

test('snapshot() that throws: StateSnapshotError naming step, state and the holder error', async (t) => {
  t.timeout(60_000)
  const e = await t.throwsAsync(checkpointed(t, 'snapshot-throws'), { instanceOf: StateSnapshotError })
  t.regex(e!.message, /^step 'count': the snapshot of state 'count\/totals' failed: snapshot\(\) threw RangeError: counts are out of range/)
  t.true(e!.cause instanceof RangeError)
})

test('a class instance in a snapshot: the job goes on, one warning per holder naming step, state, class and path', async (t) => {
  t.timeout(60_000)
  const warnings: string[] = []
  const listen = (w: Error & { code?: string }): void => { if (w.code === 'OXIFLOW_SNAPSHOT_CLASS_INSTANCE' && w.message.includes('class Tally')) warnings.push(w.message) }
  process.on('warning', listen)
  t.teardown(() => { process.off('warning', listen) })
  const job = holderFaults({ fault: 'class-instance', count: 20_000, rate: 20_000 }).run({ store: stores.memory() })
  await new Promise((r) => setTimeout(r, 100))
  await job.checkpoint()
  await job.checkpoint()
  await job.stop()
  await new Promise((r) => setImmediate(r)) // warnings are emitted on the next tick
  t.deepEqual(warnings, [
    "step 'count': the snapshot of state 'count/totals' holds an instance of class Tally at .tally; checkpoints keep its fields only, " +
    'so a restore gives restore() a plain object without the class — snapshot plain data, or rebuild the instance in restore()',
  ])
})

for (const workers of [0, 1]) {
  test(`restore() that throws (workers ${workers}): StateRestoreError naming step, state, checkpoint and the holder error; no record flows`, async (t) => {
    t.timeout(60_000)
    const store = stores.memory()
    const first = holderFaults({ fault: 'none', rate: 20_000 }).run({ store })
    await new Promise((r) => setTimeout(r, 100))
    const stopped = await first.stop()
    const params = { fault: 'restore-throws' as const }
    const job = holderFaults(params).run({ store, restore: 'latest', workers, ...(workers > 0 && { module, params }) })
    const e = await t.throwsAsync(job.done, { instanceOf: StateRestoreError })
    t.is(e!.code, 'ERR_STATE_RESTORE')
    t.regex(e!.message, new RegExp(`^step 'count': restore\\(\\) of state 'count/totals' from checkpoint ${stopped.checkpoints!.last!.id} of pipeline 'holder-faults' threw: ` +
      "TypeError: cannot read properties of undefined \\(reading 'entries'\\) — "))
    t.is(job.metrics().steps.out?.recordsIn ?? 0, 0)
  })
}

test('restore() that throws on restoreFrom: StateRestoreError naming the job snapshot', async (t) => {
  t.timeout(60_000)
  const { snapshot } = await holderFaults({ fault: 'none', count: 1000 }).run({ snapshotAtEnd: true }).done
  const e = await t.throwsAsync(holderFaults({ fault: 'restore-throws', count: 1000 }).run({ restoreFrom: snapshot }).done, { instanceOf: StateRestoreError })
  t.regex(e!.message, /^step 'count': restore\(\) of state 'count\/totals' from the job snapshot given as restoreFrom threw: TypeError/)
})

const plainCases: Array<[string, unknown, ReturnType<typeof findNonPlain>]> = [
  ['plain data of every kind v8 keeps', { a: [1, 'x', null, undefined, 2n, true], m: new Map([['k', new Set([new Date(0), /r/g])]]), b: new Uint8Array(3), buf: Buffer.from('x'), n: Object.create(null), e: new TypeError('t') }, undefined],
  ['a function in an array', { a: [1, () => 2] }, { path: '.a[1]', what: 'a function', serializable: false }],
  ['a symbol as a Map value', new Map([['k', Symbol('s')]]), { path: "<Map value 'k'>", what: 'a symbol', serializable: false }],
  ['a WeakMap', { w: new WeakMap() }, { path: '.w', what: 'a WeakMap', serializable: false }],
  ['a class instance in a Set', new Set([1, new Tally()]), { path: '<Set element>', what: 'an instance of class Tally', serializable: true }],
  ['a Map subclass', new (class Counts extends Map {})(), { path: '(the snapshot)', what: 'an instance of class Counts', serializable: true }],
]

for (const [name, value, expected] of plainCases) {
  test(`findNonPlain: ${name}`, (t) => {
    t.deepEqual(findNonPlain(value), expected)
  })
}

test('findNonPlain looks at no more values than its budget: a class instance past it is not found', (t) => {
  const big = new Map<number, unknown>(Array.from({ length: 100_000 }, (_, i) => [i, i]))
  big.set(100_000, new Tally())
  t.is(findNonPlain(big, 1000), undefined)
  t.like(findNonPlain(big), { what: 'an instance of class Tally' })
})
