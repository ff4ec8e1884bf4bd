import test from 'ava'
import { StateVersionError, pipeline, sinks, stores, type StateOptions, type StateStore, type ValueState } from '../../../index.ts'
import { cutSource, type Rec } from '../../fixtures/state/keyed-state-oxi.ts'

// A state's version is the semver of what it holds: a checkpoint of an older minor restores
// through `migrate` (one stored value at a time), another major is refused with StateVersionError.
const input: Rec[] = Array.from({ length: 12 }, (_, id) => ({ id, key: `k${id % 3}`, x: 0 }))

async function run(store: StateStore, options: StateOptions<number>, stopAt: number | undefined, restore: boolean, name = 'n', allowNonRestoredState = false) {
  let stop = (): void => {}
  const p = pipeline('versions')
  let n: ValueState<number, Rec>
  p.source('in', cutSource(input, stopAt, () => stop())).keyBy((r) => r.key).process('count', () => ({
    open(ctx) { n = ctx.state.value(name, options) },
    onBatch(rs: readonly Rec[], ctx) { for (const r of rs) { const c = (n.get(r) ?? 0) + 1; n.set(r, c); ctx.emit(`${r.key}:${c}`) } },
  })).sink('out', sinks.collect())
  const job = p.run({ store, checkpointInterval: 3_600_000, ...(restore ? { restore: 'latest' as const } : {}), ...(allowNonRestoredState && { allowNonRestoredState }) })
  stop = () => { void job.stop() }
  return job.done
}

test('an older minor is migrated value by value with migrate(value, fromVersion)', async (t) => {
  const store = stores.memory()
  const first = await run(store, { version: '1.0.0' }, 6, false)
  t.deepEqual(first.results.out, ['k0:1', 'k1:1', 'k2:1', 'k0:2', 'k1:2', 'k2:2'])
  const seen: string[] = []
  const second = await run(store, { version: '1.1.0', migrate: (v, from) => { seen.push(from); return (v as number) * 100 } }, undefined, true)
  t.deepEqual(second.results.out, ['k0:201', 'k1:201', 'k2:201', 'k0:202', 'k1:202', 'k2:202'])
  t.deepEqual(seen, ['1.0.0', '1.0.0', '1.0.0'])
})

test('a migrate that throws fails the restore naming the state, the key, the versions and migrate (not a restore() the Oxi does not have)', async (t) => {
  const store = stores.memory()
  await run(store, { version: '1.0.0' }, 6, false)
  const e = await run(store, { version: '1.1.0', migrate: () => { throw new RangeError('no') } }, undefined, true).then(() => undefined, (x: unknown) => x)
  t.is((e as { code?: string }).code, 'ERR_KEYED_STATE_RESTORE', String(e))
  t.regex((e as Error).message, /^step 'count': state 'count\/state\.n' cannot be restored from this snapshot: options\.migrate threw on the value of key "k[012]" \(version 1\.0\.0 → 1\.1\.0\): RangeError: no — fix migrate/)
})

test('the same minor (another patch) restores as it is, without migrate', async (t) => {
  const store = stores.memory()
  await run(store, { version: '1.2.0' }, 3, false)
  const second = await run(store, { version: '1.2.7', migrate: () => { throw new Error('must not migrate') } }, undefined, true)
  t.deepEqual((second.results.out as string[]).slice(0, 3), ['k0:2', 'k1:2', 'k2:2'])
})

for (const [from, to, problem] of [['1.0.0', '2.0.0', 'major'], ['1.3.0', '1.2.0', 'newer-minor']] as const) {
  test(`a checkpoint of version ${from} is refused by state version ${to}: StateVersionError (${problem})`, async (t) => {
    const store = stores.memory()
    await run(store, { version: from }, 3, false)
    const e = await run(store, { version: to, migrate: (v) => v as number }, undefined, true).then(() => undefined, (x: unknown) => x)
    t.true(e instanceof StateVersionError, String(e))
    t.is((e as StateVersionError).problem, problem)
    t.regex((e as Error).message, new RegExp(`count/state\\.n.*${from.replaceAll('.', '\\.')}`))
  })
}

// The refusal of another major says what the API offers (it suggested a `migrations` option that
// does not exist): convert through a minor with migrate, or start the state fresh. Both work.
test('another major is refused with advice that works: convert through a minor with migrate, or rename and allowNonRestoredState', async (t) => {
  const store = stores.memory()
  await run(store, { version: '1.0.0' }, 6, false)
  const e = await run(store, { version: '2.0.0' }, undefined, true).then(() => undefined, (x: unknown) => x)
  t.true(e instanceof StateVersionError, String(e))
  t.is((e as Error).message, "step 'count', state 'count/state.n': the checkpoint has state version 1.0.0, this pipeline expects 2.0.0: " +
    'another major cannot be restored as is; to convert it, keep major 1 and raise the minor instead (e.g. 1.1.0): a restore hands ' +
    'state of an older minor to its migrate(value, fromVersion) option; or restore with the pipeline version that wrote it; or start ' +
    'this state fresh: give the state a new name in ctx.state and restore with allowNonRestoredState: true (CLI: ' +
    '--allow-non-restored-state), which drops the old one')
  const converted = await run(store, { version: '1.1.0', migrate: (v) => (v as number) * 100 }, undefined, true)
  t.deepEqual((converted.results.out as string[]).slice(0, 3), ['k0:201', 'k1:201', 'k2:201'])

  const other = stores.memory()
  await run(other, { version: '1.0.0' }, 6, false)
  const fresh = await run(other, { version: '2.0.0' }, undefined, true, 'n2', true)
  t.deepEqual((fresh.results.out as string[]).slice(0, 3), ['k0:1', 'k1:1', 'k2:1'])
})
