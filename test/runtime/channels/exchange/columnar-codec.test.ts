import test from 'ava'
import fc from 'fast-check'
import assert from 'node:assert/strict'
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads'
import { decodeBatch, encodeBatch, type EncodedBatch } from '../../../../runtime/channels/exchange/columnar-codec.ts'
import { splitStrings } from '../../../../runtime/channels/exchange/string-list.ts'
import { assertDeliveredAsClone } from './clone-oracle.ts'

/** What the receiving thread gets: the batch through structured clone with its transfer list. */
function roundTrip(records: readonly unknown[]): { decoded: unknown[]; kind: EncodedBatch['kind']; transferred: number } {
  const { batch, transfer } = encodeBatch(records)
  return { decoded: decodeBatch(structuredClone(batch, { transfer })), kind: batch.kind, transferred: transfer.length }
}

/**
 * Throws unless decode(encode(records)) equals what structured clone delivers: values (-0 and
 * NaN included), prototypes, key order. It throws rather than asserting through ava so that
 * fast-check sees a failure and shrinks it. Returns the kind of batch the records went as.
 */
function assertSameAsClone(records: readonly unknown[]): EncodedBatch['kind'] {
  const expected = structuredClone(records)
  const { decoded, kind } = roundTrip(records)
  assertDeliveredAsClone(decoded, expected)
  return kind
}

class Point { constructor(readonly x: number, readonly y: number) {} }
const withGetter = () => ({ a: 1, get b() { return 2 } })
const withSymbol = () => ({ a: 1, [Symbol('s')]: 2 })
const protoKey = () => JSON.parse('{"a":1,"__proto__":2}') as unknown
const nullProto = (a: number) => Object.assign(Object.create(null) as object, { a, b: 'x' })
const wide = (m: number) => Object.fromEntries(Array.from({ length: m }, (_, j) => [`k${j}`, j]))
const lone = ['\uD800', 'a\uDFFFb', '\uDBFF\uDC00', '😀', 'é', '']

const cases: [title: string, records: unknown[], kind: EncodedBatch['kind']][] = [
  ['an empty batch', [], 'clone'],
  ['numbers', [1, -0, NaN, Infinity, -Infinity, 5e-324, Number.MAX_VALUE], 'values'],
  ['strings, unicode and lone surrogates', [...lone, ...lone], 'values'],
  ['booleans and null', [true, null, false], 'values'],
  ['numbers and nulls', [null, 1, null, -0], 'values'],
  ['only nulls', [null, null], 'values'],
  ['primitives of mixed types', [1, 'a', true, null], 'clone'],
  ['undefined among numbers', [1, undefined], 'clone'],
  ['flat records', [{ k: 'a', v: 1, b: true, n: null }, { k: 'b', v: -0, b: false, n: null }], 'rows'],
  ['special numbers in a column', [{ v: NaN }, { v: -Infinity }, { v: -0 }, { v: Infinity }], 'rows'],
  ['empty strings and lone surrogates in a column', lone.map((s) => ({ s })), 'rows'],
  ['nulls before, between and after numbers', [{ v: null }, { v: 1 }, { v: null }, { v: 2 }, { v: null }], 'rows'],
  ['nulls before strings', [{ s: null }, { s: 'a' }, { s: null }, { s: 'a' }], 'rows'],
  ['nulls before booleans', [{ b: null }, { b: true }, { b: null }], 'rows'],
  ['a column changing type', [{ v: 1 }, { v: 'one' }, { v: null }, { v: true }], 'rows'],
  ['a column of strings turning to numbers', [{ v: 'a' }, { v: null }, { v: 'b' }, { v: 2 }], 'rows'],
  ['records without keys', [{}, {}], 'rows'],
  ['records of 128 keys', [wide(128), wide(128)], 'rows'],
  ['records of 129 keys (wider travel by clone)', [wide(129), wide(129)], 'clone'],
  ['integer-like keys', [{ b: 1, 2: 'x', 1: true }, { b: 2, 2: 'y', 1: false }], 'rows'],
  ['null-prototype records', [nullProto(1), nullProto(2)], 'rows'],
  ['own getters (read once, as clone does)', [withGetter(), withGetter()], 'rows'],
  ['symbol keys (ignored, as clone does)', [withSymbol(), withSymbol()], 'rows'],
  ['undefined vs null in a record', [{ a: null }, { a: undefined }], 'clone'],
  ['differing key sets', [{ a: 1, b: 2 }, { a: 1 }], 'clone'],
  ['a key more at the end', [{ a: 1 }, { a: 1, b: 2 }], 'clone'],
  ['differing key order', [{ a: 1, b: 2 }, { b: 2, a: 1 }], 'clone'],
  ['arrays as records', [[1, 2], [3, 4]], 'clone'],
  ['nested objects', [{ a: { b: 1 } }, { a: { b: 2 } }], 'clone'],
  ['class instances', [new Point(1, 2), new Point(3, 4)], 'clone'],
  ['a class instance after plain records', [{ x: 1, y: 2 }, new Point(3, 4)], 'clone'],
  ['Date, Map and BigInt values', [{ d: new Date(0) }, { d: new Map([[1, 2]]) }, { d: 10n }], 'clone'],
  ['a BigInt in a batch of numbers', [1, 2n], 'clone'],
  ['a "__proto__" key', [protoKey(), protoKey()], 'clone'],
  ['boxed primitives', [Object(1), Object('a')], 'clone'],
]

for (const [title, records, kind] of cases) {
  test(`${title}: decoded as structured clone delivers it, as a ${kind} batch`, (t) => {
    t.is(assertSameAsClone(records), kind)
  })
}

test('flat records and batches of numbers or of repeating strings go columnar, in one transferred buffer', (t) => {
  const events = Array.from({ length: 1024 }, (_, i) => ({ key: 'k' + (i % 1000), value: Math.random(), ts: 1.7e12 + i }))
  const { batch, transfer } = encodeBatch(events)
  t.is(batch.kind, 'rows')
  t.is(transfer.length, 1)
  t.deepEqual(batch.kind === 'rows' && batch.columns.map((c) => c.kind), ['string', 'number', 'number'])
  t.is(batch.kind === 'rows' && batch.columns[0]!.kind === 'string' && splitStrings(batch.columns[0]!.dictionary).length, 1000, 'each distinct key once')
  const numbers = encodeBatch(events.map((e) => e.value))
  t.is(numbers.batch.kind, 'values')
  t.is(numbers.transfer.length, 1)
  // Up to 8 batches of strings go plain (as a clone) after a batch of mostly distinct ones,
  // which an earlier test may have encoded; then a dictionary again, kept while strings repeat.
  const kinds = Array.from({ length: 10 }, () => encodeBatch(events.map((e) => e.key.slice(0, 2))))
  t.is(kinds.at(-1)!.batch.kind, 'values')
  t.is(kinds.at(-1)!.transfer.length, 1)
})

test('a string column with mostly distinct values goes plain for 8 batches, then is tried as a dictionary again', (t) => {
  const batch = (distinct: boolean, prefix = 'id-') => Array.from({ length: 100 }, (_, i) => ({ id: distinct ? `${prefix}${i}` : `k${i % 3}`, n: i }))
  const kindOf = (records: unknown[]) => {
    const { batch } = encodeBatch(records)
    return batch.kind === 'rows' ? batch.columns[0]!.kind : batch.kind
  }
  t.is(kindOf(batch(false)), 'string')
  t.is(kindOf(batch(true)), 'string')
  // Plain: short strings joined, longer ones (13+ characters) as an array.
  for (let i = 0; i < 4; i++) t.is(kindOf(batch(false)), 'text', `plain batch ${i + 1}`)
  for (let i = 4; i < 8; i++) t.is(kindOf(batch(true, 'a-longer-id-')), 'mixed', `plain batch ${i + 1}`)
  t.is(kindOf(batch(false)), 'string')
  t.is(kindOf(batch(false)), 'string')
  for (const distinct of [true, false]) assertSameAsClone(batch(distinct))
})

test('dictionaries of short strings travel joined, of long strings as an array', (t) => {
  const dictionaryOf = (prefix: string) => {
    const { batch } = encodeBatch([{ word: `${prefix}a` }, { word: `${prefix}b` }, { word: `${prefix}a` }])
    return batch.kind === 'rows' && batch.columns[0]!.kind === 'string' ? batch.columns[0]!.dictionary : undefined
  }
  const short = dictionaryOf('x')
  t.true(short !== undefined && 'text' in short)
  t.true(Array.isArray(dictionaryOf('twelve-chars')))
  assertSameAsClone([{ word: '\uD800' }, { word: '\uDC00' }, { word: '\uD800\uDC00' }, { word: '\uDC00' }])
})

test('string indices widen with the batch: 8, 16 and 32 bits', (t) => {
  for (const [n, width] of [[256, 1], [257, 2], [65_537, 4]] as const) {
    const records = Array.from({ length: n }, (_, i) => ({ wide: 's' + (i % 100) }))
    const { batch } = encodeBatch(records)
    t.is(batch.kind === 'rows' && batch.columns[0]!.kind === 'string' && batch.columns[0]!.indices.BYTES_PER_ELEMENT, width)
    assertSameAsClone(records)
  }
})

test('key order and key sets are kept, whether the batch goes columnar or not', (t) => {
  const batches = [
    [{ b: 1, a: 2 }, { b: 3, a: 4 }],
    [{ a: 1, b: 2 }, { b: 3, a: 4 }],
    [{ a: 1 }, { a: 2, b: 3 }, { b: 4 }],
    [{ z: 1, y: 'y', x: true }],
  ]
  for (const records of batches) {
    t.deepEqual(roundTrip(records).decoded.map((r) => Object.keys(r as object)), records.map((r) => Object.keys(r)))
  }
})

test('more record shapes than the decoder cache holds all decode correctly', (t) => {
  for (let shape = 0; shape < 300; shape++) {
    const records = [{ ['k' + shape]: shape, v: 'x' }, { ['k' + shape]: -shape, v: null }]
    t.deepEqual(roundTrip(records).decoded, records)
  }
})

test('a getter that encodes a batch while its record is being encoded leaves both intact', (t) => {
  const inner = [{ a: 'inner', b: 1 }]
  let innerDecoded: unknown[] = []
  const make = (i: number) => ({ a: 'outer', get b() { innerDecoded = roundTrip(inner).decoded; return i } })
  const records = [make(1), make(2)]
  t.deepEqual(roundTrip(records).decoded, [{ a: 'outer', b: 1 }, { a: 'outer', b: 2 }])
  t.deepEqual(innerDecoded, inner)
})

test('an enumerable key inherited from Object.prototype is left out, as structured clone leaves it', (t) => {
  const records = [{ a: 1 }, { a: 2 }]
  Object.defineProperty(Object.prototype, 'polluted', { value: 1, enumerable: true, configurable: true })
  try {
    t.is(assertSameAsClone(records), 'rows')
  } finally {
    delete (Object.prototype as Record<string, unknown>).polluted
  }
})

test('a key a getter makes inherited midway through a batch is left out, as structured clone leaves it', (t) => {
  // The second record lacks an own `b`; reading its `a` makes Object.prototype lend it one.
  const pollute = { get a() { Object.defineProperty(Object.prototype, 'b', { value: 2, enumerable: true, configurable: true }); return 1 } }
  try {
    t.is(assertSameAsClone([{ a: 0, b: 1 }, pollute, { a: 3, b: 4 }]), 'clone')
  } finally {
    delete (Object.prototype as Record<string, unknown>).b
  }
})

test('decodeBatch refuses a rows batch with a "__proto__" key, which encodeBatch never makes', (t) => {
  const batch: EncodedBatch = { kind: 'rows', length: 1, keys: ['__proto__'], columns: [{ kind: 'null' }] }
  t.throws(() => decodeBatch(batch), { instanceOf: TypeError, message: /"__proto__"/ })
})

test('across a MessageChannel the buffer arrives intact and is detached at the sender', (t) => {
  const { port1, port2 } = new MessageChannel()
  try {
    const records = Array.from({ length: 300 }, (_, i) => ({ key: 'k' + (i % 7), value: i / 3, ok: i % 2 === 0, note: i % 5 === 0 ? null : 'n' }))
    const { batch, transfer } = encodeBatch(records)
    const bytes = transfer[0]!.byteLength
    port1.postMessage(batch, transfer)
    t.is(transfer[0]!.byteLength, 0, 'detached at the sender')
    t.is(batch.kind === 'rows' && batch.columns[1]!.kind === 'number' && batch.columns[1]!.values.length, 0)
    const received = receiveMessageOnPort(port2)?.message as EncodedBatch
    t.is(received.kind, 'rows')
    t.is(received.kind === 'rows' && received.columns[1]!.kind === 'number' && received.columns[1]!.values.buffer.byteLength, bytes)
    t.deepEqual(decodeBatch(received), structuredClone(records))
  } finally {
    port1.close()
    port2.close()
  }
})

// Strings with any UTF-16 code unit (lone surrogates included), short ones often, so that
// dictionaries repeat entries.
const anyString = fc.oneof(
  fc.constantFrom('', 'a', 'b', 'é', '😀', '\uD800', '\uDC00'),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 6 }),
)
const anyNumber = fc.oneof(fc.double(), fc.constantFrom(-0, NaN, Infinity, -Infinity))
const flat = fc.oneof(anyNumber, anyString, fc.boolean(), fc.constant(null))
/** A generator of one column's values: mostly one type, with nulls, or anything flat. */
const columnValues = fc.constantFrom<fc.Arbitrary<unknown>[]>(
  [anyNumber], [anyString], [fc.boolean()], [anyNumber, fc.constant(null)], [anyString, fc.constant(null)],
  [fc.boolean(), fc.constant(null)], [fc.constant(null)], [flat],
).map((arbs) => fc.oneof(...arbs))

const flatBatches = fc.uniqueArray(anyString.filter((k) => k !== '__proto__'), { minLength: 1, maxLength: 6 }).chain((keys) =>
  fc.tuple(...keys.map(() => columnValues)).chain((columns) =>
    fc.array(fc.tuple(...columns), { minLength: 1, maxLength: 150 }).map((rows) =>
      rows.map((row) => Object.fromEntries(keys.map((k, j) => [k, row[j]]))))))

test('property: flat batches go columnar and decode as structured clone delivers them', (t) => {
  fc.assert(fc.property(flatBatches, (records) => {
    assert.equal(assertSameAsClone(records), 'rows')
  }), { numRuns: 300 })
  t.pass()
})

test('property: batches of numbers go columnar and decode exactly', (t) => {
  fc.assert(fc.property(fc.array(anyNumber, { minLength: 1 }), (records) => {
    assert.equal(encodeBatch(records).transfer.length, 1)
    assert.equal(assertSameAsClone(records), 'values')
  }), { numRuns: 200 })
  t.pass()
})

test('property: batches of strings decode exactly (columnar, or plain while strings are mostly distinct)', (t) => {
  fc.assert(fc.property(fc.array(anyString, { minLength: 1, maxLength: 200 }), (records) => {
    assert.match(assertSameAsClone(records), /^(values|clone)$/)
  }), { numRuns: 200 })
  t.pass()
})

test('property: any JSON-ish batch decodes as structured clone delivers it', (t) => {
  const key = fc.oneof(fc.constantFrom('a', 'b', 'c', '__proto__', 'constructor', '0', '1', ''), anyString)
  const value = fc.anything({
    key, maxDepth: 2, maxKeys: 4, withNullPrototype: true, withBigInt: true, withDate: true, withMap: true,
    withSet: true, withBoxedValues: true, withSparseArray: true, withTypedArray: true, withObjectString: true,
  })
  // Batches of one shape as well as arbitrary ones, so the columnar path and its bail-outs are hit.
  const sameShape = fc.uniqueArray(key, { maxLength: 4 }).chain((keys) =>
    fc.array(fc.tuple(...keys.map(() => fc.oneof(flat, value))), { maxLength: 8 }).map((rows) =>
      rows.map((row) => Object.fromEntries(keys.map((k, j) => [k, row[j]])))))
  fc.assert(fc.property(fc.oneof(fc.array(value, { maxLength: 8 }), sameShape), (records) => {
    assertSameAsClone(records)
  }), { numRuns: 400 })
  t.pass()
})
