import test from 'ava'
import fc from 'fast-check'
import assert from 'node:assert/strict'
import { StringIdIndex } from '../../../../runtime/channels/exchange/string-id-index.ts'

/** Looks up every string, adding those missing; returns the ids, checked against a Map. */
function lookUpAll(values: readonly string[], strings: (string | null)[], index: StringIdIndex, oracle: Map<string, number>): void {
  for (const value of values) {
    let id = index.find(value)
    assert.equal(id, oracle.get(value) ?? -1, `find(${JSON.stringify(value)})`)
    if (id < 0) {
      id = strings.length
      strings.push(value)
      index.insert(value, id)
      oracle.set(value, id)
    }
    assert.equal(strings[id], value)
  }
}

const anyString = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 8 }),
  fc.string({ maxLength: 100 }),
  fc.constantFrom('', 'a', '\uD800', '\uDC00', 'x'.repeat(64), 'x'.repeat(65)),
)

test('property: finds exactly the strings inserted, short and long, across growth, truncations and clears', (t) => {
  const rounds = fc.array(fc.record({ values: fc.array(anyString, { maxLength: 300 }), cut: fc.double({ min: 0, max: 1, noNaN: true }), clear: fc.boolean() }), { minLength: 1, maxLength: 8 })
  fc.assert(fc.property(rounds, (steps) => {
    const strings: (string | null)[] = [null]
    const index = new StringIdIndex(strings)
    const oracle = new Map<string, number>()
    for (const { values, cut, clear } of steps) {
      lookUpAll(values, strings, index, oracle)
      if (clear) {
        strings.length = 1
        index.clear()
        oracle.clear()
      } else {
        // Forget the newest strings, as a table rolling back a batch does.
        const to = 1 + Math.floor(cut * (strings.length - 1))
        index.truncate(to)
        for (const s of strings.slice(to)) oracle.delete(s!)
        strings.length = to
      }
      lookUpAll(values, strings, index, oracle)
    }
  }), { numRuns: 300 })
  t.pass()
})

test('tens of thousands of similar strings keep their ids through growth, then none after clear', (t) => {
  const strings: (string | null)[] = [null]
  const index = new StringIdIndex(strings)
  const oracle = new Map<string, number>()
  const values = Array.from({ length: 70_000 }, (_, i) => `k${i}`)
  lookUpAll(values, strings, index, oracle)
  lookUpAll(values, strings, index, oracle)
  t.is(strings.length, 70_001)
  // Truncating the newer half, as a table rolling back batches does.
  index.truncate(35_001)
  oracle.clear()
  strings.length = 35_001
  strings.forEach((s, id) => { if (s !== null) oracle.set(s, id) })
  lookUpAll(values, strings, index, oracle)
  t.is(strings.length, 70_001)
  strings.length = 1
  index.clear()
  t.is(index.find('k1'), -1)
  t.is(index.find('x'.repeat(100)), -1)
})
