// A snapshot a capture built after the barrier (issue 16) is serialized on the encode pool: its
// typed arrays move there (detached here), v8.serialize runs there, and the blob decodes to what
// serializing and encoding on this thread gives. (Not byte for byte: an array that crossed threads
// may be written in V8's sparse form, which reads back the same.)
import test from 'ava'
import { serialize } from 'node:v8'
import { crc32 as zlibCrc32 } from 'node:zlib'
import { BLOB_HEADER_BYTES } from '../../persistence/codec/blob-header.ts'
import type { CodecName } from '../../persistence/codec/codec-name.ts'
import { decodeSnapshot, encodeOwnValue } from '../../persistence/codec/index.ts'
import { encodeInline } from '../../persistence/codec/encode-inline.ts'
import { ownBuffers } from '../../persistence/codec/own-buffers.ts'

/** A window step's captured state: every key group shares one part of columns (5 MB: above the pool's threshold). */
function windowState(rows: number): Map<number, unknown> {
  const part = {
    keys: { text: Array.from({ length: rows }, (_, i) => `k${i}`).join(''), lengths: Uint32Array.from({ length: rows }, (_, i) => `k${i}`.length) },
    rows: new Uint32Array(rows).fill(1),
    cols: [Float64Array.from({ length: rows }, (_, i) => i * 0.5), Int32Array.from({ length: rows }, (_, i) => i % 7)],
    ords: Float64Array.from({ length: rows }, (_, i) => i), groups: Int32Array.from({ length: rows }, (_, i) => i % 4),
  }
  return new Map([0, 1, 2, 3].map((g) => [g, { watermark: 10, maxEventTime: 11, signature: 'tumbling/aggregate(n:count)', shared: part }]))
}

for (const codec of ['none', 'lz4', 'zstd'] as CodecName[]) {
  test(`${codec}: a captured state encoded on the pool decodes to what serialize + encode on this thread give, and its typed arrays moved`, async (t) => {
    t.timeout(120_000) // the pool thread starts under tsx, on 2 cores busy with the rest of the suite
    const expected = await encodeInline(serialize(windowState(300_000)), codec, 1)
    const state = windowState(300_000)
    const cols = [...(state.get(0) as { shared: { cols: Float64Array[] } }).shared.cols]
    t.true(ownBuffers(state).length >= 6, 'the part\'s typed arrays are found once each')
    const encoded = await encodeOwnValue(state, codec, 1, { where: "step 'w'" })
    t.true(cols.every((c) => c.length === 0), 'moved to the pool thread, not copied')
    t.true(Math.abs(encoded.rawBytes - expected.rawBytes) < 64, `${encoded.rawBytes} serialized bytes against ${expected.rawBytes}`)
    t.is(encoded.crc32, zlibCrc32(encoded.bytes.subarray(BLOB_HEADER_BYTES)) >>> 0, 'the header holds the payload\'s checksum')
    t.deepEqual(await decodeSnapshot(encoded.bytes, 'test'), await decodeSnapshot(expected.bytes, 'test'))
    t.deepEqual(await decodeSnapshot(encoded.bytes, 'test'), windowState(300_000))
  })
}

test('a small captured state is encoded here and keeps its arrays; a view into a larger buffer is never moved', async (t) => {
  const small = { cols: [new Float64Array(10).fill(2)] }
  const encoded = await encodeOwnValue(small, 'none', 1)
  t.is(encoded.rawBytes, serialize({ cols: [new Float64Array(10).fill(2)] }).byteLength)
  t.is(small.cols[0]!.length, 10)
  const big = new Float64Array(100)
  t.deepEqual(ownBuffers({ view: big.subarray(10, 20) }), [])
  t.deepEqual(ownBuffers({ a: big, b: big }), [big.buffer])
})
