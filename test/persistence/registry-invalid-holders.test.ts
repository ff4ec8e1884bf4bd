// Hand-written holders (an Oxi's holders(), a custom source reader's or sink writer's) are checked
// when the job registers them, before any record flows: a stateVersion that is not semver was
// accepted for every checkpoint and refused only at the restore, and a non-holder failed as an
// untyped TypeError ("Cannot read properties of undefined (reading 'slice')").
import test from 'ava'
import {
  InvalidHolderError, checkpoints, isInvalidHolderError, pipeline, sinks, sources, stores, type Source, type StateHolder,
} from '../../index.ts'

const valid = (): StateHolder => ({ stateId: 'p/h', stateVersion: '1.0.0', snapshot: () => 1, restore() {} })
const fix = "; a state holder is { stateId: 'p/<part>', stateVersion: '1.0.0', snapshot(), restore(state, fromVersion) } (see StateHolder) — fix what holders() returns"

const cases: Array<[string, unknown, string]> = [
  ["stateVersion 'one'", [{ ...valid(), stateVersion: 'one' }], `holder 'p/h' whose stateVersion "one" is not semver (major.minor.patch, e.g. '1.0.0'): every checkpoint stores it and a restore compares it with the running version`],
  ['stateVersion missing', [{ ...valid(), stateVersion: undefined }], "holder 'p/h' whose stateVersion undefined is not semver (major.minor.patch, e.g. '1.0.0'): every checkpoint stores it and a restore compares it with the running version"],
  ['undefined', [undefined], 'undefined, not a state holder'],
  ['an object without stateId', [{ foo: 1 }], "a holder whose stateId undefined is not 'p/<part>' (the step's name, a slash and a name for the state)"],
  ['an empty stateId', [{ ...valid(), stateId: '' }], `a holder whose stateId "" is not 'p/<part>' (the step's name, a slash and a name for the state)`],
  ["another step's stateId", [{ ...valid(), stateId: 'q/h' }], `a holder whose stateId "q/h" is not 'p/<part>' (the step's name, a slash and a name for the state)`],
  ['no restore', [{ ...valid(), restore: undefined }], "holder 'p/h' without a restore() function"],
  ['snapshot not a function', [{ ...valid(), snapshot: 1 }], "holder 'p/h' without a snapshot() function"],
  ['snapshotChanges without applyChanges', [{ ...valid(), snapshotChanges: () => undefined }], "holder 'p/h' with snapshotChanges() but no applyChanges(): a restore folds the changes into the full state with it"],
  ['dependsOn a string', [{ ...valid(), dependsOn: 'p/x' }], `holder 'p/h' whose dependsOn "p/x" is not an array of state ids`],
]

for (const [what, holders, problem] of cases) {
  test(`an Oxi's holders() returning ${what} is refused when the job registers its holders, before any record`, async (t) => {
    let batches = 0
    const store = stores.memory()
    const p = pipeline('holders')
      .source('s', sources.iterable([1, 2, 3]))
      .process('p', () => ({ onBatch() { batches++ }, holders: () => holders as StateHolder[] }))
      .sink('o', sinks.collect())
    const e = await t.throwsAsync(p.run({ store, checkpointInterval: 50, restart: { attempts: 2, backoffMs: 1 } }).done, { instanceOf: InvalidHolderError })
    t.true(isInvalidHolderError(e))
    t.deepEqual([e!.code, e!.step, e!.name], ['ERR_INVALID_HOLDER', 'p', 'InvalidHolderError'])
    t.is(e!.message, `step 'p': its Oxi's holders() returned, at index 0, ${problem}${fix}`)
    t.is(batches, 0)
    t.deepEqual(await checkpoints(store, 'holders').list(), [])
  })
}

test("holders() returning something that is not an array is refused, and so is a plan's description of it", (t) => {
  const p = pipeline('holders').source('s', sources.iterable([1]))
    .process('p', () => ({ onBatch() {}, holders: () => ({}) as unknown as StateHolder[] })).sink('o', sinks.collect())
  const e = t.throws(() => p.plan(), { instanceOf: InvalidHolderError })
  t.is(e!.message, `step 'p': its Oxi's holders() returned an object, not an array of state holders${fix}`)
})

test('a custom source reader whose holder has a stateVersion that is not semver is refused naming the source step', async (t) => {
  const source: Source<number> = {
    kind: 'source', description: 'custom', bounded: true,
    open: (ctx) => ({ read: () => undefined, position: () => 0, holders: () => [{ stateId: `${ctx.step}/position`, stateVersion: '1', snapshot: () => 0, restore() {} }] }),
  }
  const p = pipeline('holders').source('src', source).sink('o', sinks.collect())
  const e = await t.throwsAsync(p.run({ store: stores.memory(), checkpointInterval: 50 }).done, { instanceOf: InvalidHolderError })
  t.is(e!.step, 'src')
  t.regex(e!.message, /^step 'src': its source reader's holders\(\) returned, at index 0, holder 'src\/position' whose stateVersion "1" is not semver/)
})

test('valid hand-written holders are accepted: semver with a prerelease or a v, dependsOn, incremental members', async (t) => {
  const holders: StateHolder[] = [
    { ...valid(), stateVersion: '2.1.0-beta.1' },
    { stateId: 'p/v', stateVersion: 'v1.2.3', dependsOn: ['p/h'], snapshot: () => 1, restore() {}, snapshotChanges: () => undefined, applyChanges: (f) => f },
  ]
  const p = pipeline('holders').source('s', sources.iterable([1, 2, 3]))
    .process('p', () => ({ onBatch(rs, ctx) { for (const r of rs) ctx.emit(r) }, holders: () => holders })).sink('o', sinks.collect())
  const s = await p.run({ store: stores.memory(), checkpointInterval: 50 }).done
  t.deepEqual(s.results.o, [1, 2, 3])
})
