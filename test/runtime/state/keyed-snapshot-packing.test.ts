// Keyed state snapshots pack key groups of PACK_FROM keys and more: keys as one text plus lengths,
// flat values in the exchange's columns, any other value as it is. What a restore gives back must
// be what was set — checked here on values of every kind, through v8 as a checkpoint's are.
import test from 'ava'
import v8 from 'node:v8'
import { keyGroupOf } from '../../../index.ts'
import { plainJson } from '../../../cli/plain-json.ts'
import { KeyedStateHolder } from '../../../runtime/state/keyed-state-holder.ts'
import { isPackedGroup, PACK_FROM, unpackGroup, type KeyedStateSnapshot } from '../../../runtime/state/keyed-snapshot.ts'
import { KeyedStateRestoreError } from '../../../runtime/state/keyed-state-restore-error.ts'

const G = 4

function holder(): KeyedStateHolder {
  return new KeyedStateHolder({ step: 's', name: 'v', keyOf: (r) => (r as { k: unknown }).k, groupOf: (k) => keyGroupOf(k, G),
    now: () => 0, watermark: () => -Infinity, options: {} })
}

/** Entries by key (a holder lists them by key group, not in the order they were set). */
function byKey(entries: Iterable<readonly [unknown, unknown]>): Map<unknown, unknown> {
  return new Map([...entries].sort(([a], [b]) => String(a).localeCompare(String(b))))
}

/** Sets `values[i]` for key `keyOf(i)`, snapshots through v8, restores into a new holder: its entries by key. */
function roundTrip(t: import('ava').ExecutionContext, values: readonly unknown[], keyOf: (i: number) => unknown = (i) => `k${i}`): Map<unknown, unknown> {
  const h = holder()
  values.forEach((v, i) => h.set({ k: keyOf(i) }, v))
  const snapshot = h.snapshot(1) as KeyedStateSnapshot
  t.true([...snapshot.values()].every(isPackedGroup), `groups of ≥ ${PACK_FROM} keys are packed`)
  const back = holder()
  back.restore(v8.deserialize(v8.serialize(snapshot)) as KeyedStateSnapshot, '1.0.0')
  return byKey(back.entries())
}

const n = 40 * PACK_FROM

test('flat objects, numbers and strings come back as set (columns), -0 and NaN included', (t) => {
  const objects = Array.from({ length: n }, (_, i) => ({ n: i, total: i * 1.5, name: `u${i % 7}`, ok: i % 2 === 0, none: null }))
  t.deepEqual(roundTrip(t, objects), byKey(objects.map((v, i) => [`k${i}`, v] as const)))
  const numbers = Array.from({ length: n }, (_, i) => (i === 3 ? -0 : i === 5 ? NaN : i / 3))
  const got = roundTrip(t, numbers, (i) => i)
  t.is(got.size, n)
  for (let i = 0; i < n; i++) t.true(Object.is(got.get(i), numbers[i]), `value of key ${i}`)
})

test('values that are not flat come back as set (kept as they are): nested objects, arrays, Maps, undefined, mixed shapes', (t) => {
  const values = Array.from({ length: n }, (_, i) => [{ a: { b: i } }, [i, 'x'], new Map([[i, i]]), undefined, i % 2 === 0 ? { x: 1 } : { y: 'z' }][i % 5])
  t.deepEqual(roundTrip(t, values), byKey(values.map((v, i) => [`k${i}`, v] as const)))
})

test('what a snapshot packs is copied at the snapshot: a flat value changed after it does not change it', (t) => {
  const h = holder()
  const values = Array.from({ length: n }, (_, i) => ({ n: i }))
  values.forEach((v, i) => h.set({ k: `k${i}` }, v))
  const snapshot = h.snapshot(1) as KeyedStateSnapshot
  values[0]!.n = -1
  const back = holder()
  back.restore(snapshot, '1.0.0')
  t.deepEqual(back.get({ k: 'k0' }), { n: 0 })
})

test('a snapshot written with key groups as lists (before packing, or small groups) still restores', (t) => {
  const groups: KeyedStateSnapshot = new Map()
  for (let i = 0; i < n; i++) {
    const g = keyGroupOf(`k${i}`, G)
    const group = (groups.get(g) ?? { keys: [], values: [] }) as { keys: unknown[]; values: unknown[] }
    group.keys.push(`k${i}`)
    group.values.push(i)
    groups.set(g, group)
  }
  const back = holder()
  back.restore(groups, '1.0.0')
  t.deepEqual(byKey(back.entries()), byKey(Array.from({ length: n }, (_, i) => [`k${i}`, i] as const)))
})

test('a packed group whose keys and values disagree is refused with KeyedStateRestoreError naming the group', (t) => {
  const h = holder()
  for (let i = 0; i < n; i++) h.set({ k: `k${i}` }, i)
  const snapshot = h.snapshot(1) as KeyedStateSnapshot
  const [g, group] = [...snapshot][0]!
  const other = [...snapshot][1]![1]
  snapshot.set(g, { ...group, encodedValues: (other as { encodedValues: unknown }).encodedValues } as never)
  const e = t.throws(() => holder().restore(snapshot, '1.0.0'), { instanceOf: KeyedStateRestoreError })
  t.regex(e!.message, new RegExp(`key group ${g}: \\d+ keys but \\d+ values`))
})

test('oxiflow checkpoints show prints a packed group as its keys and values', (t) => {
  const h = holder()
  for (let i = 0; i < n; i++) h.set({ k: `k${i}` }, { n: i })
  const snapshot = h.snapshot(1) as KeyedStateSnapshot
  const printed = JSON.parse(plainJson(snapshot)) as Record<string, { keys: string[]; values: Array<{ n: number }> }>
  const entries = Object.values(printed).flatMap((g) => g.keys.map((k, i) => [k, g.values[i]!.n] as const))
  t.deepEqual(byKey(entries), byKey(Array.from({ length: n }, (_, i) => [`k${i}`, i] as const)))
  t.deepEqual(Object.values(printed).map((g) => unpackGroup(g).keys.length).reduce((a, b) => a + b), n)
})
