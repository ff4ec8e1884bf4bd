import test from 'ava'
import { InvalidKeyError, KeyFunctionError, StepError, keyGroupOf } from '../../../index.ts'
import { checkedKey } from '../../../runtime/key-groups/key.ts'
import { buildKeyed, inputOf, type KeyCase } from '../../fixtures/keys/keyed-pipeline.ts'

// What a keyBy key is (runtime/key-groups/key.ts): a string, a number, a boolean or a bigint,
// compared by value (0 and -0 one key, NaN one key, 1, 1n and '1' three). Anything else fails the
// step at the first such record, whatever its onError, inline and on workers with the same error.

const fixture = new URL('../../fixtures/keys/keyed-pipeline.ts', import.meta.url).href

const run = (c: KeyCase, workers: number) => workers === 0 ? buildKeyed(c).run().done
  : buildKeyed(c).run({ workers, module: fixture, params: c }).done

const objectMessage = "step 'counts' failed at its keyBy function on a record: keyBy returned an object ({\"id\":\"u0\"}); " +
  'a key must be a string, a number, a boolean or a bigint (anything else would be routed by String(key) but looked up by identity); ' +
  'return a primitive field, e.g. .keyBy((r) => r.user.id), or join a composite key: .keyBy((r) => `${r.a}|${r.b}`); fix the keyBy function'
const symbolMessage = "step 'counts' failed at its keyBy function on a record: keyBy returned a symbol (Symbol(u0)); " +
  'a key must be a string, a number, a boolean or a bigint (anything else would be routed by String(key) but looked up by identity); ' +
  'symbols cannot cross threads or be checkpointed — use its description or a string; fix the keyBy function'

const refusals: [string, KeyCase, number, string, string][] = [
  ['object keys before a reduce, inline', { keys: 'object', step: 'reduce' }, 0, 'object', objectMessage],
  ['object keys before a reduce with onError skip, inline', { keys: 'object', step: 'reduce', onError: 'skip' }, 0, 'object', objectMessage],
  ['object keys before a window, inline', { keys: 'object', step: 'window' }, 0, 'object', objectMessage],
  ['object keys before a process step whose Oxi never asks for the key, inline', { keys: 'object', step: 'process' }, 0, 'object', objectMessage],
  ['object keys before a map that never uses them, with onError skip, inline', { keys: 'object', step: 'map', onError: 'skip' }, 0, 'object', objectMessage],
  ['object keys before a reduce, on 2 workers', { keys: 'object', step: 'reduce' }, 2, 'object', objectMessage],
  ['object keys before a process step, on 2 workers', { keys: 'object', step: 'process', onError: 'skip' }, 2, 'object', objectMessage],
  ['symbol keys before a window, on 2 workers', { keys: 'symbol', step: 'window' }, 2, 'symbol', symbolMessage],
  ['symbol keys before a reduce, inline', { keys: 'symbol', step: 'reduce' }, 0, 'symbol', symbolMessage],
]

for (const [title, c, workers, keyType, message] of refusals) {
  test.serial(`${title}: the step fails at the first record, naming the step and the key's type`, async (t) => {
    t.timeout(30_000)
    const e = await t.throwsAsync(run(c, workers), { instanceOf: StepError })
    t.is(e?.step, 'counts')
    t.true(e?.cause instanceof InvalidKeyError)
    t.is((e?.cause as InvalidKeyError).keyType, keyType)
    t.is(e?.message, message)
  })
}

for (const [step, workers] of [['reduce', 0], ['process', 0], ['map', 0], ['reduce', 2]] as const) {
  test.serial(`a throwing keyBy before a ${step} with onError skip fails the step as on several instances (${workers} workers)`, async (t) => {
    t.timeout(30_000)
    const e = await t.throwsAsync(run({ keys: 'throws', step, onError: 'skip' }, workers), { instanceOf: StepError })
    t.is(e?.step, 'counts')
    t.true(e?.cause instanceof KeyFunctionError)
    t.is(e?.message, "step 'counts' failed at its keyBy function on a record: no user u1 here; fix the keyBy function")
  })
}

/** The expected reduce output: a plain loop over a Map of canonical keys (-0 written as 0). */
function countsByLoop(c: KeyCase): { key: unknown; value: number }[] {
  const n = new Map<unknown, number>()
  return inputOf(c).map((r) => {
    const key = Object.is(r.key, -0) ? 0 : r.key
    n.set(key, (n.get(key) ?? 0) + 1)
    return { key, value: n.get(key)! }
  })
}

/** Output records per key, each key's in order; `1` and `'1'` are told apart. */
function perKey(records: readonly unknown[]): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>()
  for (const r of records) {
    const key = (r as { key: unknown }).key
    const label = `${typeof key}:${String(key)}`
    out.set(label, [...(out.get(label) ?? []), r])
  }
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)))
}

for (const workers of [0, 2]) {
  test.serial(`a reduce keyed by 0, -0, NaN, 1, 1n, '1', true, 'true' counts per key as a plain loop does (${workers} workers)`, async (t) => {
    t.timeout(30_000)
    const c: KeyCase = { keys: 'values', step: 'reduce' }
    const s = await run(c, workers)
    const expected = countsByLoop(c)
    t.deepEqual(perKey(s.results.out as unknown[]), perKey(expected))
    t.is(perKey(expected).size, 8) // 0 (with -0), NaN, 1, 1n, '1', true, 'true', 'a'
  })
}

test('a window keyed by mixed primitives: one window per key, key -0 written as 0', async (t) => {
  const s = await run({ keys: 'values', step: 'window' }, 0)
  const out = s.results.out as { key: unknown; n: number }[]
  t.deepEqual(out.map((w) => [typeof w.key, String(w.key), w.n]).sort(), [
    ['bigint', '1', 5], ['boolean', 'true', 5], ['number', '0', 15], ['number', '1', 10], ['number', 'NaN', 10],
    ['string', '1', 5], ['string', 'a', 5], ['string', 'true', 5],
  ].sort())
  t.true(out.every((w) => !Object.is(w.key, -0)))
})

test('checkedKey: primitives pass (-0 becomes 0); everything else is refused with its type', (t) => {
  for (const k of ['a', '', 0, 1.5, Number.NaN, Infinity, true, false, 10n]) t.true(Object.is(checkedKey(k), k))
  t.true(Object.is(checkedKey(-0), 0))
  const refused: [unknown, string][] = [[{ a: 1 }, 'object'], [[1, 2], 'array'], [new Date(0), 'Date'], [new Map(), 'Map'],
    [Symbol('s'), 'symbol'], [() => 1, 'function'], [null, 'null'], [undefined, 'undefined'], [Object.create(null), 'object']]
  for (const [k, type] of refused) t.is(t.throws(() => checkedKey(k), { instanceOf: InvalidKeyError })?.keyType, type)
})

test('key groups of valid keys are unchanged: murmur3 of String(key), part of the stored format', (t) => {
  const groups: [unknown, number][] = [['user-1', 99], [42, 54], [0, 127], [-0, 127], [true, 114], [1n, 19], ['1', 19], ['a', 50]]
  for (const [key, group] of groups) t.is(keyGroupOf(checkedKey(key), 128), group, String(key))
})
