import test from 'ava'
import fc from 'fast-check'
import assert from 'node:assert/strict'
import { MessageChannel } from 'node:worker_threads'
import { ChannelDecoder } from '../../../../runtime/channels/exchange/channel-decoder.ts'
import { ChannelEncoder } from '../../../../runtime/channels/exchange/channel-encoder.ts'
import { decodeBatch } from '../../../../runtime/channels/exchange/columnar-codec.ts'
import type { ChannelBatch, EncodedColumn, StringList } from '../../../../runtime/channels/exchange/encoded-batch.ts'
import type { StringTableLimits } from '../../../../runtime/channels/exchange/string-table.ts'
import { assertDeliveredAsClone } from './clone-oracle.ts'

/** A batch as received, with how many table entries the receiver dropped before it. */
type Received = ChannelBatch & { readonly dropped: number }

/** One channel: every batch goes through structured clone with its transfer list, in order. */
function channel(limits: StringTableLimits = {}) {
  const encoder = new ChannelEncoder(limits)
  const decoder = new ChannelDecoder()
  const maxStrings = limits.maxStrings ?? 65_536
  const sent: Received[] = []
  let size = 1
  return {
    encoder,
    decoder,
    sent,
    /** Sends `records` and throws unless they decode as structured clone delivers them. */
    send(records: readonly unknown[]): Received {
      const expected = structuredClone(records)
      const { batch, transfer } = encoder.encode(records)
      const received = structuredClone(batch, { transfer })
      // The table is cleared at the start of any batch that finds it full.
      assert.ok(received.keep - 1 < maxStrings, `the receiver keeps ${received.keep} entries, limit ${maxStrings}`)
      assert.ok(received.keep <= size, 'keep is at most what the receiver has')
      assertDeliveredAsClone(decoder.decode(received), expected)
      const dropped = received.keep === -1 ? 0 : size - received.keep
      if (received.size !== -1) size = received.size
      const message = { ...received, dropped }
      sent.push(message)
      return message
    },
  }
}

function addedCount(list: StringList | null): number {
  return list === null ? 0 : 'text' in list ? list.ends.length : list.length
}

function columnKinds(message: ChannelBatch): EncodedColumn['kind'][] | string {
  const { batch } = message
  return batch.kind === 'rows' ? batch.columns.map((c) => c.kind) : batch.kind === 'values' ? [batch.column.kind] : batch.kind
}

const events = (from: number, n: number, keys: number, prefix = 'k') =>
  Array.from({ length: n }, (_, i) => ({ key: prefix + ((from + i) % keys), value: (from + i) / 3, ts: 1.7e12 + from + i }))

test('repeating keys cross once, then travel by id; empty and clone batches leave the table as it was', (t) => {
  const c = channel()
  const first = c.send(events(0, 1024, 1000))
  t.is(addedCount(first.added), 1000, 'each distinct key once')
  t.deepEqual(columnKinds(first), ['ids', 'number', 'number'])
  // 1000 strings new to the table in 1024 rows: the column goes plain for 8 batches …
  for (let b = 1; b <= 8; b++) t.deepEqual(columnKinds(c.send(events(b * 1024, 1024, 1000))), ['text', 'number', 'number'])
  c.send([])
  c.send([{ nested: { a: 1 } }, { nested: { a: 2 } }])
  // … then is probed again: every key is known, so ids it is, with nothing more to send.
  for (let b = 9; b < 14; b++) {
    const message = c.send(events(b * 1024, 1024, 1000))
    t.deepEqual(columnKinds(message), ['ids', 'number', 'number'])
    t.is(message.added, null)
    t.is(message.dropped, 0)
    t.is(message.size, 1001)
  }
})

test('ids take 8 bits while the table has at most 256 entries, then 16', (t) => {
  const c = channel()
  const small = c.send(events(0, 100, 40))
  t.true(small.batch.kind === 'rows' && small.batch.columns[0]!.kind === 'ids' && small.batch.columns[0]!.indices instanceof Uint8Array)
  const large = c.send(events(0, 1000, 400, 'w'))
  t.true(large.batch.kind === 'rows' && large.batch.columns[0]!.kind === 'ids' && large.batch.columns[0]!.indices instanceof Uint16Array)
})

test('a full table is cleared at the start of the next batch, on both ends', (t) => {
  const c = channel({ maxStrings: 100 })
  // 60 new keys each batch (twice each in 120 rows: the table stays in use).
  const batch = (b: number) => Array.from({ length: 120 }, (_, i) => ({ key: `b${b}-${i % 60}`, n: i }))
  const dropped = Array.from({ length: 6 }, (_, b) => c.send(batch(b)).dropped)
  t.deepEqual(dropped, [0, 0, 120, 0, 120, 0])
})

test('the character budget clears the table too', (t) => {
  const c = channel({ maxChars: 50 })
  const dropped = ['a'.repeat(30), 'b'.repeat(30), 'c'.repeat(10), 'd'.repeat(10)].map((s) => c.send([s, s, null]).dropped)
  t.deepEqual(dropped, [0, 0, 2, 0])
})

test('strings added by a columnar attempt that fell back to clone travel with the clone', (t) => {
  const c = channel()
  const records: unknown[] = events(0, 200, 50, 'odd-')
  records.push({ key: 'odd-last', value: 1, ts: 2, extra: true })
  const fallback = c.send(records)
  t.is(fallback.batch.kind, 'clone')
  t.is(addedCount(fallback.added), 50, 'the keys read before the irregular record')
  const next = c.send(events(0, 200, 50, 'odd-'))
  t.deepEqual(columnKinds(next), ['ids', 'number', 'number'])
  t.is(next.added, null)
})

test('a reset due when a batch falls back travels with the clone', (t) => {
  const c = channel({ maxStrings: 10 })
  c.send(events(0, 20, 10))
  t.is(c.send([{ a: new Date(0) }]).keep, 1)
  t.is(c.send(events(0, 20, 10)).dropped, 0)
})

test('batches of strings and nulls go by id too', (t) => {
  const c = channel()
  const words = ['x', null, 'a-longer-string-of-words', '\uD800', '', 'x', null]
  const message = c.send(words)
  t.deepEqual(columnKinds(message), ['ids'])
  t.true(Array.isArray(message.added), 'a long string: the new strings go as an array, not joined')
  t.deepEqual(columnKinds(c.send([null, null, 'x'])), ['ids'])
  t.deepEqual(columnKinds(c.send([1, 'x'])), 'clone')
})

test('unique ids go plain after one probe, are probed again every 9th batch, and do not stay in the table', (t) => {
  const c = channel()
  const ids = (b: number) => Array.from({ length: 256 }, (_, i) => ({ id: `id-${b}-${i}`, n: i }))
  const sent = Array.from({ length: 28 }, (_, b) => c.send(ids(b)))
  t.deepEqual(sent.map((m) => columnKinds(m)[0]), ['ids', ...Array(8).fill('text'), 'ids', ...Array(8).fill('text'), 'ids', ...Array(8).fill('text'), 'ids'])
  // The first probe's strings are kept (they might come back); those of the later probes, found
  // mostly new again, are dropped by the batch after.
  const plain = Array(8).fill(257)
  t.deepEqual(sent.map((m) => m.size), [257, ...plain, 513, ...plain, 513, ...plain, 513])
  t.deepEqual(sent.map((m) => m.dropped).filter((d) => d > 0), [256, 256])
})

test('a column of unique ids beside one of repeating keys: the ids go plain and leave the table, the keys stay by id', (t) => {
  const c = channel()
  const batch = (b: number) => Array.from({ length: 256 }, (_, i) => ({ key: `k${i % 100}`, id: `u${b}-${i}` }))
  const sent = Array.from({ length: 60 }, (_, b) => c.send(batch(b)))
  t.true(sent.every((m) => columnKinds(m)[0] === 'ids'), 'the keys go by id in every batch')
  t.true(sent.slice(1).every((m) => m.added === null || addedCount(m.added) === 256), 'only probes of the ids add strings')
  t.true(Math.max(...sent.map((m) => m.size)) <= 1 + 100 + 2 * 256, 'the table holds the keys and at most two probes of ids')
  t.is(sent.at(-1)!.size, 1 + 100 + 256, 'the keys and the first probe of ids, kept in case they came back')
})

test('a key set larger than a batch is learnt although batches find it mostly new at first', (t) => {
  const c = channel()
  // 1000 keys in batches of 256: a probe finds at most a quarter of its keys known at first.
  const kinds = Array.from({ length: 200 }, (_, b) => columnKinds(c.send(events(b * 256, 256, 1000)))[0])
  t.deepEqual(kinds.slice(-40), Array(40).fill('ids'))
  t.is(c.sent.at(-1)!.size, 1001)
})

test('a getter that sends on the same channel while its record is encoded leaves both batches intact', (t) => {
  const encoder = new ChannelEncoder()
  const decoder = new ChannelDecoder()
  const posted: ChannelBatch[] = []
  const post = (records: unknown[]) => {
    const { batch, transfer } = encoder.encode(records)
    posted.push(structuredClone(batch, { transfer }))
  }
  const make = (i: number) => ({ a: `outer-${i % 2}`, get b() { if (i === 1) post([{ a: 'inner', b: 0 }]); return i } })
  post([make(0), make(1), make(2)])
  // The inner batch reached the port first.
  t.deepEqual(decoder.decode(posted[0]!), [{ a: 'inner', b: 0 }])
  t.deepEqual(decoder.decode(posted[1]!), [{ a: 'outer-0', b: 0 }, { a: 'outer-1', b: 1 }, { a: 'outer-0', b: 2 }])
  post([{ a: 'outer-1', b: 3 }])
  t.deepEqual(decoder.decode(posted[2]!), [{ a: 'outer-1', b: 3 }])
})

test('strings added before a getter threw go with the next batch', (t) => {
  const c = channel()
  const records: unknown[] = events(0, 50, 50, 'thrown-')
  records.push({ key: 'thrown-x', get value() { throw new Error('boom') }, ts: 0 })
  t.throws(() => c.encoder.encode(records), { message: 'boom' })
  const next = c.send(events(0, 50, 50, 'thrown-'))
  t.is(addedCount(next.added), 50, 'the keys of the records before the one that threw')
})

test('a lost batch is detected, and resync() recovers the channel', (t) => {
  const encoder = new ChannelEncoder()
  const decoder = new ChannelDecoder()
  const send = (records: unknown[]) => { const { batch, transfer } = encoder.encode(records); return structuredClone(batch, { transfer }) }
  decoder.decode(send(events(0, 10, 5)))
  send(events(0, 10, 10, 'lost-')) // never delivered
  t.throws(() => decoder.decode(send(events(0, 10, 10, 'lost-'))), {
    message: 'A channel batch expects a string table of 16 entries, but this decoder has 6: a batch of this channel was lost or decoded elsewhere, or the decoder serves two channels. Use one ChannelDecoder per channel and decode every batch in order.',
  })
  send(events(0, 10, 10, 'again-')) // lost too; the sender learns of it this time
  encoder.resync()
  const records = events(0, 10, 10, 'again-')
  const message = send(records)
  t.is(message.keep, 1)
  t.deepEqual(decoder.decode(message), records)
})

test('decodeBatch refuses a batch of table ids, which only the channel decoder can read', (t) => {
  const { batch, transfer } = new ChannelEncoder().encode(events(0, 10, 5))
  t.throws(() => decodeBatch(structuredClone(batch, { transfer }).batch), {
    instanceOf: TypeError,
    message: 'A batch has a column of string table ids: it was made by a ChannelEncoder and must be decoded by the ChannelDecoder of the same channel, not by decodeBatch',
  })
})

test('table limits are validated up front', (t) => {
  for (const [limits, message] of [
    [{ maxStrings: 0 }, 'options.maxStrings must be a positive integer, got 0'],
    [{ maxStrings: 1.5 }, 'options.maxStrings must be a positive integer, got 1.5'],
    [{ maxChars: -1 }, 'options.maxChars must be a positive integer, got -1'],
    [{ maxChars: Number.NaN }, 'options.maxChars must be a positive integer, got NaN'],
  ] as const) {
    t.throws(() => new ChannelEncoder(limits), { instanceOf: RangeError, message })
  }
})

// --- Property: random sequences of batches on one channel ----------------------------------

const anyString = fc.oneof(
  fc.constantFrom('', 'a', 'é', '😀', '\uD800', '\uDC00', 'a-string-longer-than-twelve'),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 16 }),
)

/** How a sequence picks the string of row `i` of batch `b` from a random number `r`. */
type Pick = (b: number, i: number, r: number) => string
const distributions: fc.Arbitrary<Pick> = fc.oneof(
  // Few keys: repeat within and across batches.
  fc.uniqueArray(anyString, { minLength: 1, maxLength: 8 }).map((pool): Pick => (_b, _i, r) => pool[r % pool.length]!),
  // Unique ids: every string new.
  anyString.map((prefix): Pick => (b, i) => `${prefix}${b}-${i}`),
  // Mixed: a pool of a few hundred and some unique.
  fc.tuple(anyString, fc.integer({ min: 1, max: 300 })).map(([prefix, size]): Pick => (b, i, r) => r % 4 === 0 ? `${prefix}u${b}-${i}` : `${prefix}${r % size}`),
)

type BatchSpec = { readonly kind: 'rows' | 'values' | 'clone' | 'empty' | 'odd-last' | 'numbers'; readonly rows: readonly number[]; readonly keys: number }
const batchSpec: fc.Arbitrary<BatchSpec> = fc.record({
  kind: fc.constantFrom('rows', 'rows', 'rows', 'values', 'clone', 'empty', 'odd-last', 'numbers'),
  rows: fc.oneof(fc.array(fc.nat(), { maxLength: 20 }), fc.array(fc.nat(), { minLength: 64, maxLength: 200 })),
  keys: fc.integer({ min: 0, max: 2 }),
})

/** The records of batch `b`: strings from `pick`, key names from `pick` too in one shape in three. */
function records(spec: BatchSpec, b: number, pick: Pick): unknown[] {
  const key = (i: number, r: number) => r % 7 === 0 ? null : pick(b, i, r)
  switch (spec.kind) {
    case 'empty': return []
    case 'numbers': return spec.rows.map((r) => r / 7)
    case 'values': return spec.rows.map((r, i) => key(i, r))
    case 'clone': return spec.rows.map((r, i) => ({ key: key(i, r), nested: { r } }))
    case 'rows':
    case 'odd-last': {
      // A key name from the strings ("__proto__" included: such records go by clone).
      const name = spec.keys === 2 ? pick(b, -1, 3) : 'key'
      const out: Record<string, unknown>[] = spec.rows.map((r, i) => ({ [name]: key(i, r), value: r, tag: spec.keys === 1 ? pick(b, i + 1, r >> 3) : r % 2 === 0 }))
      if (spec.kind === 'odd-last' && out.length > 0) out[out.length - 1]!.extra = 1
      return out
    }
  }
}

const limits: fc.Arbitrary<StringTableLimits> = fc.oneof(
  fc.constant({}),
  fc.record({ maxStrings: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ maxChars: fc.integer({ min: 1, max: 400 }) }),
)

test('property: any sequence of batches on one channel decodes as structured clone delivers each', (t) => {
  let drops = 0
  fc.assert(fc.property(distributions, fc.array(batchSpec, { minLength: 1, maxLength: 30 }), limits, (pick, specs, tableLimits) => {
    const c = channel(tableLimits)
    specs.forEach((spec, b) => { if (c.send(records(spec, b, pick)).dropped > 0) drops++ })
  }), { numRuns: 300 })
  t.true(drops > 100, `tables were cleared or rolled back ${drops} times over the runs`)
})

// --- Over a real MessageChannel ------------------------------------------------------------

/** Batch `b` of the channel test: 400 keys new to the channel, each on 2–3 of the 1024 rows. */
function churn(b: number): unknown[] {
  if (b % 50 === 17) return []
  if (b % 50 === 31) return [{ key: `c${b}`, nested: [b] }]
  const rows = Array.from({ length: 1024 }, (_, i) => ({ key: `c${b}-${i % 400}`, value: i, kind: i % 3 === 0 ? 'even' : null }))
  if (b % 50 === 43) Object.assign(rows[1023]!, { extra: true })
  return rows
}

test('over a MessageChannel, three table resets worth of distinct strings arrive intact and in order', async (t) => {
  t.timeout(60_000)
  const { port1, port2 } = new MessageChannel()
  const encoder = new ChannelEncoder()
  const decoder = new ChannelDecoder()
  // 400 strings a batch: a reset every 164 batches or so.
  const batches = 560
  let resets = 0
  let maxSize = 0
  try {
    const received = new Promise<void>((resolve, reject) => {
      let b = 0
      port2.on('message', (message: ChannelBatch) => {
        try {
          if (message.keep === 1 && b > 0) resets++
          maxSize = Math.max(maxSize, message.size)
          assertDeliveredAsClone(decoder.decode(message), structuredClone(churn(b)))
          if (++b === batches) resolve()
        } catch (error) {
          reject(error)
        }
      })
    })
    for (let b = 0; b < batches; b++) {
      const { batch, transfer } = encoder.encode(churn(b))
      port1.postMessage(batch, transfer)
      // Lets the receiving end run, so batches do not all queue at once.
      if (b % 16 === 15) await new Promise((resolve) => setImmediate(resolve))
    }
    await received
  } finally {
    port1.close()
    port2.close()
  }
  t.true(resets >= 3, `${resets} resets`)
  t.true(maxSize <= 65_536 + 1 + 1024, `the table peaked at ${maxSize} entries`)
})
