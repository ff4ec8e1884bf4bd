// (Two helpers wrote the persistence tests at the same time; this file was overwritten once by
// mistake. Please merge into it rather than replace it.)
import test from 'ava'
import fc from 'fast-check'
import { serialize } from 'node:v8'
import { isDeepStrictEqual } from 'node:util'
import { crc32 as zlibCrc32 } from 'node:zlib'
import { BLOB_HEADER_BYTES, writeBlobHeader } from '../../persistence/codec/blob-header.ts'
import { CODEC_IDS, type CodecName } from '../../persistence/codec/codec-name.ts'
import { compressorFor } from '../../persistence/codec/compressor-for.ts'
import { decodeSnapshot, encodeSerialized, encodeSnapshot, readBlobHeader, verifyBlob } from '../../persistence/codec/index.ts'
import { tableCrc32 } from '../../persistence/codec/table-crc32.ts'
import { CorruptSnapshotError } from '../../persistence/codec/corrupt-snapshot-error.ts'
import { InvalidCodecLevelError } from '../../persistence/codec/invalid-codec-level-error.ts'
import { UnknownCodecError } from '../../persistence/codec/unknown-codec-error.ts'

const codecs: readonly CodecName[] = ['none', 'lz4', 'snappy', 'zstd']
const where = "checkpoint 7 of 'clicks', step 'agg' (agg/sum)"
const advice = " — the blob is damaged; restore an older checkpoint (restore: 'latest' skips damaged ones) or delete this one (oxiflow checkpoints delete)"

/** What v8.serialize keeps: plain data with Map, Set, typed arrays, BigInt, Date, sparse arrays, -0. */
const serializable = fc.anything({
  maxDepth: 3, maxKeys: 6, withMap: true, withSet: true, withBigInt: true, withDate: true, withTypedArray: true, withSparseArray: true,
  // Not kept by v8.serialize: null prototypes come back as Object.prototype.
  withNullPrototype: false,
}).filter((v) => !containsInvalidDate(v))

/** isDeepStrictEqual compares Date times with !==, so an invalid Date never equals itself. */
function containsInvalidDate(v: unknown, seen = new Set<unknown>()): boolean {
  if (v instanceof Date) return Number.isNaN(v.getTime())
  if (typeof v !== 'object' || v === null || seen.has(v) || ArrayBuffer.isView(v)) return false
  seen.add(v)
  const children = v instanceof Map ? [...v.keys(), ...v.values()] : v instanceof Set ? [...v] : Object.values(v)
  return children.some((c) => containsInvalidDate(c, seen))
}

/** A state as a window holds it: keyed accumulators plus the odd typed array and BigInt. */
function windowState(keys: number): Map<string, unknown> {
  const m = new Map<string, unknown>()
  for (let i = 0; i < keys; i++) m.set(`user-${i}`, { count: i % 17, sum: i * 1.5, min: -i, last: new Date(1_700_000_000_000 + i), big: BigInt(i) ** 3n })
  m.set('samples', new Float64Array([1.5, -0, Number.NaN, Infinity]))
  m.set('seen', new Set(['a', 'b', 42]))
  return m
}

async function corruptProblem(t: { fail(message: string): void }, bytes: Uint8Array, label: string): Promise<string | undefined> {
  try {
    await decodeSnapshot(bytes, where)
  } catch (e) {
    if (!(e instanceof CorruptSnapshotError)) {
      t.fail(`${label}: threw ${(e as Error)?.name}: ${(e as Error)?.message}, not a CorruptSnapshotError`)
      return undefined
    }
    if (e.where !== where || !e.message.startsWith(`${where}: `) || !e.message.endsWith(advice)) t.fail(`${label}: the message does not name where: ${e.message}`)
    return e.problem
  }
  t.fail(`${label}: decoded without an error`)
  return undefined
}

/** A blob of `codec` around `payload` (not necessarily what that codec would write), with valid checksums. */
function frame(codec: CodecName, payload: Uint8Array, rawBytes: number): Uint8Array {
  const blob = new Uint8Array(BLOB_HEADER_BYTES + payload.byteLength)
  blob.set(payload, BLOB_HEADER_BYTES)
  writeBlobHeader(blob, codec, rawBytes, zlibCrc32(payload))
  return blob
}

for (const codec of codecs) {
  test(`decodeSnapshot_${codec}_arbitraryValuesRoundTrip`, async (t) => {
    await fc.assert(fc.asyncProperty(serializable, async (value) => {
      const { bytes } = await encodeSnapshot(value, codec)
      return isDeepStrictEqual(await decodeSnapshot(bytes, where), value)
    }), { numRuns: 150 })
    t.pass()
  })

  test(`decodeSnapshot_${codec}_windowStateRoundTrips`, async (t) => {
    const state = windowState(20_000)
    const { bytes } = await encodeSnapshot(state, codec)
    const decoded = await decodeSnapshot(bytes, where)
    t.true(isDeepStrictEqual(decoded, state))
    t.true((decoded as Map<string, unknown>).get('samples') instanceof Float64Array)
    t.true(Object.is(((decoded as Map<string, unknown>).get('samples') as Float64Array)[1], -0))
  })

  test(`decodeSnapshot_${codec}_blobAtAnOffsetOfALargerBuffer`, async (t) => {
    // A blob read from a file or a database often is a view (a pooled Buffer, a slice).
    const { bytes } = await encodeSnapshot({ a: new Float64Array([1, 2, 3]), b: 'text' }, codec)
    const backing = new Uint8Array(bytes.byteLength + 13)
    backing.set(bytes, 5)
    const view = backing.subarray(5, 5 + bytes.byteLength)
    t.true(isDeepStrictEqual(await decodeSnapshot(view, where), { a: new Float64Array([1, 2, 3]), b: 'text' }))
    t.is((await verifyBlob(view, where)).storedBytes, bytes.byteLength)
  })

  test(`readBlobHeader_${codec}_fieldsDescribeTheBlob`, async (t) => {
    const value = windowState(200)
    const raw = serialize(value)
    const encoded = await encodeSnapshot(value, codec)
    const header = readBlobHeader(encoded.bytes, where)
    const payload = encoded.bytes.subarray(BLOB_HEADER_BYTES)
    t.deepEqual(header, { magic: 'OXF1', codec, rawBytes: raw.byteLength, storedBytes: encoded.bytes.byteLength, crc32: zlibCrc32(payload) })
    t.is(encoded.rawBytes, raw.byteLength)
    t.is(encoded.crc32, zlibCrc32(payload))
    t.deepEqual(await verifyBlob(encoded.bytes, where), header)
    // The stored layout (blob-header.ts; docs/architecture.md "Checkpoints"): magic, format, codec id,
    // flags, lengths, checksums.
    const view = new DataView(encoded.bytes.buffer, encoded.bytes.byteOffset, BLOB_HEADER_BYTES)
    t.is(new TextDecoder().decode(encoded.bytes.subarray(0, 4)), 'OXF1')
    t.deepEqual([view.getUint8(4), view.getUint8(5), view.getUint16(6, true)], [1, CODEC_IDS.indexOf(codec), 0])
    t.deepEqual([view.getBigUint64(8, true), view.getBigUint64(16, true)], [BigInt(raw.byteLength), BigInt(encoded.bytes.byteLength)])
    t.is(view.getUint32(24, true), zlibCrc32(payload))
    t.is(view.getUint32(28, true), zlibCrc32(encoded.bytes.subarray(0, 28)))
    if (codec === 'none') t.deepEqual(Uint8Array.from(payload), Uint8Array.from(raw))
    else if (codec !== 'lz4') t.true(payload.byteLength < raw.byteLength, 'compressed') // lz4 too, below
    if (codec === 'lz4') t.true(payload.byteLength < raw.byteLength, 'compressed')
  })

  test(`decodeSnapshot_${codec}_everyFlippedBit_corruptSnapshotError`, async (t) => {
    const { bytes } = await encodeSnapshot({ k: [1, 2, 3], s: 'state', n: 7n }, codec)
    const problems = new Set<string>()
    for (let i = 0; i < bytes.byteLength; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const damaged = Uint8Array.from(bytes)
        damaged[i]! ^= 1 << bit
        const problem = await corruptProblem(t, damaged, `byte ${i} bit ${bit}`)
        if (problem !== undefined) problems.add(problem.replace(/found 0x[0-9a-f]+/, 'found 0x…').replace(/\b\d+\b/g, 'N'))
        // The checks verifyBlob makes (no decompression) see every flip too.
        await t.throwsAsync(verifyBlob(damaged, where), { instanceOf: CorruptSnapshotError }, `verifyBlob, byte ${i} bit ${bit}`)
      }
    }
    t.deepEqual([...problems].sort(), [
      "bad magic: expected 'OXF1', found 0x… (not an oxiflow snapshot blob)",
      'checksum mismatch: expected crc32 N, found N',
      'header checksum mismatch: expected crc32 N, found N',
    ])
  })

  test(`decodeSnapshot_${codec}_truncatedAtEveryLength_corruptSnapshotError`, async (t) => {
    const { bytes } = await encodeSnapshot({ k: [1, 2, 3], s: 'state', n: 7n }, codec)
    for (let n = 0; n < bytes.byteLength; n++) {
      const problem = await corruptProblem(t, bytes.slice(0, n), `${n} of ${bytes.byteLength} bytes`)
      const expected = n < BLOB_HEADER_BYTES
        ? `truncated: expected at least ${BLOB_HEADER_BYTES} bytes (the header), found ${n}`
        : `truncated: expected ${bytes.byteLength} bytes, found ${n}`
      if (problem !== undefined) t.is(problem, expected, `${n} bytes`)
    }
    const longer = new Uint8Array(bytes.byteLength + 3)
    longer.set(bytes)
    t.is(await corruptProblem(t, longer, 'three bytes appended'), `too long: expected ${bytes.byteLength} bytes, found ${bytes.byteLength + 3}`)
  })

  test(`verifyBlob_${codec}_payloadNotV8Data_passesButDecodeRefuses`, async (t) => {
    // verifyBlob checks the frame only: a payload with valid checksums is accepted whatever it holds.
    const notV8 = Uint8Array.from({ length: 300 }, (_, i) => (i * 7 + 1) % 251)
    const { bytes } = await encodeSerialized(notV8, codec)
    const header = await verifyBlob(bytes, where)
    t.is(header.codec, codec)
    t.is(header.rawBytes, notV8.byteLength)
    const problem = await corruptProblem(t, bytes, 'payload not v8 data')
    t.regex(problem ?? '', /^v8\.deserialize failed \(.+\); a blob written by a newer Node cannot be read by an older one$/)
  })

  test(`decodeSnapshot_${codec}_headerRawLengthDisagrees_corruptSnapshotError`, async (t) => {
    const raw = serialize({ x: 'y'.repeat(100) })
    const payload = (await encodeSerialized(raw, codec)).bytes.subarray(BLOB_HEADER_BYTES)
    for (const claimed of [raw.byteLength - 1, raw.byteLength + 1, 0]) {
      const problem = await corruptProblem(t, frame(codec, payload, claimed), `claims ${claimed} raw bytes`)
      t.truthy(problem, `claims ${claimed}`)
    }
    t.is(await corruptProblem(t, frame(codec, payload, raw.byteLength + 1), 'claims one more'), codec === 'lz4'
      ? `the lz4 payload does not decompress (the lz4 block says ${raw.byteLength} raw bytes, the header ${raw.byteLength + 1})`
      : `size mismatch: decompressed to ${raw.byteLength} bytes, the header says ${raw.byteLength + 1}`)
  })
}

for (const codec of ['lz4', 'snappy', 'zstd'] as const) {
  test(`decodeSnapshot_${codec}_payloadNotCompressedData_corruptSnapshotError`, async (t) => {
    // Checksums valid, payload garbage: what a broken writer leaves. Never a crash or a wrong value.
    await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 200 }), fc.nat({ max: 10_000 }), async (payload, claimed) => {
      try {
        await decodeSnapshot(frame(codec, payload, claimed), where)
        return false
      } catch (e) {
        return e instanceof CorruptSnapshotError && e.where === where
      }
    }), { numRuns: 200 })
    t.pass()
  })
}

test('decodeSnapshot_zstdFrameThatFailsToDecompress_saysDecompressNotCompress', async (t) => {
  // @bokuweb/zstd-wasm reports a failed ZSTD_decompress as "Failed to compress with code N".
  const payload = (await encodeSerialized(serialize({ x: 'y'.repeat(1000) }), 'zstd')).bytes.subarray(BLOB_HEADER_BYTES)
  const cut = payload.subarray(0, payload.byteLength - 4) // the frame's end is missing
  const problem = await corruptProblem(t, frame('zstd', cut, 1010), 'cut frame')
  t.regex(problem ?? '', /^the zstd payload does not decompress \(ZSTD_decompress failed with code -?\d+\)$/)
})

test('readBlobHeader_unknownFormatOrCodecId_namesIt', async (t) => {
  const { bytes } = await encodeSnapshot([1, 2], 'none')
  const withByte = (index: number, value: number) => {
    const b = Uint8Array.from(bytes)
    b[index] = value
    new DataView(b.buffer).setUint32(28, zlibCrc32(b.subarray(0, 28)), true) // a valid header checksum: the writer meant it
    return b
  }
  t.is(await corruptProblem(t, withByte(4, 2), 'format 2'), 'unknown blob format 2 (this version reads format 1; was it written by a newer oxiflow?)')
  t.is(await corruptProblem(t, withByte(5, 9), 'codec id 9'), 'unknown codec id 9 (known: 0 none, 1 lz4, 2 snappy, 3 zstd)')
  t.throws(() => readBlobHeader(withByte(5, 4), where), { instanceOf: CorruptSnapshotError, message: /unknown codec id 4/ })
})

test('encodeSnapshot_unknownCodecName_unknownCodecError', async (t) => {
  for (const name of ['gzip', 'ZSTD', '', 'toString', '__proto__', 'constructor']) {
    await t.throwsAsync(() => encodeSnapshot({ a: 1 }, name as CodecName), {
      instanceOf: UnknownCodecError, message: `codec must be one of none, lz4, snappy, zstd (got "${name}"); zstd is the default`,
    }, `codec '${name}'`)
  }
  t.throws(() => compressorFor('brotli' as CodecName, 'options.codec'), {
    instanceOf: UnknownCodecError, message: "options.codec must be one of none, lz4, snappy, zstd (got \"brotli\"); zstd is the default",
  })
})

test('encodeSnapshot_zstdLevelOutOfRange_invalidCodecLevelError', async (t) => {
  for (const level of [0, 23, 1.5, -1, Number.NaN]) {
    await t.throwsAsync(() => encodeSnapshot({ a: 1 }, 'zstd', level), {
      instanceOf: InvalidCodecLevelError, message: `level must be an integer from 1 to 22 for zstd (got ${level}); 1 is the default`,
    })
  }
  const state = windowState(2_000)
  const fast = await encodeSnapshot(state, 'zstd', 1)
  const small = await encodeSnapshot(state, 'zstd', 19)
  t.true(small.bytes.byteLength < fast.bytes.byteLength, 'a higher level compresses more')
  t.true(isDeepStrictEqual(await decodeSnapshot(small.bytes, where), state))
  t.true(isDeepStrictEqual(await decodeSnapshot((await encodeSnapshot(state, 'lz4', 0)).bytes, where), state), 'other codecs ignore the level')
})

test('encodeSnapshot_notSerializable_rejects', async (t) => {
  // A rejection, not a synchronous throw: callers chain .catch() on the promise.
  await t.throwsAsync(() => encodeSnapshot({ f: () => 1 }, 'zstd'), { message: /could not be cloned/ })
  await t.throwsAsync(() => encodeSnapshot({ s: Symbol('x') }, 'zstd'), { message: /could not be cloned/ })
})

test('encodeSerialized_rawBuffer_notModifiedAndBlobIsFresh', async (t) => {
  const raw = serialize(windowState(500))
  const copy = Uint8Array.from(raw)
  for (const codec of codecs) {
    const { bytes } = await encodeSerialized(raw, codec)
    t.deepEqual(Uint8Array.from(raw), copy, `${codec} left raw as it was`)
    t.not(bytes.buffer, raw.buffer, `${codec}: the blob does not share the raw buffer`)
  }
})

test('tableCrc32_anyBytes_equalsZlib', (t) => {
  t.is(tableCrc32(new TextEncoder().encode('123456789')), 0xcbf43926)
  t.is(tableCrc32(new Uint8Array(0)), 0)
  fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), fc.uint8Array({ maxLength: 40 }), fc.nat({ max: 7 }), (a, b, offset) => {
    const view = new Uint8Array(a.byteLength + offset).subarray(offset)
    view.set(a)
    return tableCrc32(view) === zlibCrc32(a) && tableCrc32(b, tableCrc32(a)) === zlibCrc32(b, zlibCrc32(a))
  }), { numRuns: 500 })
  t.pass()
})

test('zstd_twoCopiesOfOxiflowInOneProcess_bothKeepDecompressing', async (t) => {
  // The CLI and the pipeline module it loads through tsx hold two copies of oxiflow's modules,
  // but one copy of the zstd package and its one WebAssembly instance; a second init() of that
  // instance broke every later decompression in the process.
  const { tsImport } = await import('tsx/esm/api')
  const url = new URL('../../persistence/codec/zstd-compressor.ts', import.meta.url).href
  const a = compressorFor('zstd')
  const { zstdCompressor: b } = await tsImport(url, import.meta.url) as typeof import('../../persistence/codec/zstd-compressor.ts')
  t.not(a, b, 'two copies of the module')
  const raw = serialize(Array.from({ length: 5000 }, (_, i) => ({ i, s: `v${(i * 7919) % 100_003}` })))
  const fromA = await a.compress(raw, 1)
  const fromB = await b.compress(raw, 1)
  for (let round = 0; round < 20; round++) {
    for (const [codec, payload] of [[a, fromB], [b, fromA]] as const) {
      t.true(Buffer.from(await codec.decompress(payload, raw.length)).equals(raw), `round ${round}`)
    }
    await a.compress(serialize({ round, filler: 'x'.repeat(round * 1000) }), 1)
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
})
