import { InvalidCodecLevelError } from './invalid-codec-level-error.ts'
import type { CodecName } from './codec-name.ts'
import { compressorFor } from './compressor-for.ts'
import { encodeInline, type EncodedSnapshot } from './encode-inline.ts'
import { EncodePool, type EncodeOptions } from './encode-pool.ts'
import { serializeSnapshot } from './serialize-snapshot.ts'
import { ownBuffers } from './own-buffers.ts'

export type { EncodedSnapshot } from './encode-inline.ts'
export type { EncodeOptions } from './encode-pool.ts'

/**
 * From what size a zstd snapshot is encoded on the pool: zstd compresses on the calling thread
 * at ~5–6 ms per MB here, the pool costs that thread ~0.3 ms per snapshot (plus a copy, ~0.3 ms
 * per MB, unless the bytes are moved), so at 128 KiB the pool already halves the pause
 * (bench/snapshot-encode.ts).
 *
 * @example
 * raw.byteLength >= ZSTD_POOL_MIN_BYTES // goes to the pool
 */
export const ZSTD_POOL_MIN_BYTES = 128 * 1024

/**
 * From what size a moved (`transfer: true`) none, lz4 or snappy snapshot is encoded on the pool.
 * Inline these cost the calling thread only the blob's allocation, copy and crc32 (~0.3–0.5 ms per
 * MB: lz4 and snappy compress on libuv's pool already); the pool wins from about 1 MB, and from
 * 4 MiB by more than 1.5 ms a snapshot. Copied rather than moved, the pool's copy costs what
 * inline costs, so those stay inline whatever their size (bench/snapshot-encode.ts).
 *
 * @example
 * raw.byteLength >= MOVED_POOL_MIN_BYTES // a moved lz4 snapshot goes to the pool
 */
export const MOVED_POOL_MIN_BYTES = 4 * 1024 * 1024

/** One pool per thread, made on first use: most processes never encode a large snapshot. */
let pool: EncodePool | undefined

/**
 * Compresses serialized bytes and frames them with a checksummed header — after the barrier.
 * Large snapshots are encoded on a pool thread (EncodePool: zstd from ZSTD_POOL_MIN_BYTES, the
 * others only when moved and from MOVED_POOL_MIN_BYTES), the rest on this thread (lz4 and snappy
 * compress on libuv's pool, zstd — the default, level 1 — here); the blob is the same bytes
 * either way. `level` is zstd's (1–22) and ignored by the other codecs. The blob is a fresh
 * buffer the caller owns. `raw` is not modified and may be reused once the promise settles —
 * unless `options.transfer` hands it over: then it may be detached (empty) as soon as this is
 * called. A pool thread's failure is an EncodeWorkerError naming `options.where`.
 *
 * @example
 * const { bytes } = await encodeSerialized(serializeSnapshot(state), 'zstd', 1, { transfer: true })
 */
export async function encodeSerialized(raw: Uint8Array, codec: CodecName, level = 1, options: EncodeOptions = {}): Promise<EncodedSnapshot> {
  compressorFor(codec) // UnknownCodecError before anything else
  if (codec === 'zstd' && !(Number.isInteger(level) && level >= 1 && level <= 22)) throw new InvalidCodecLevelError(level)
  const offThread = codec === 'zstd'
    ? raw.byteLength >= ZSTD_POOL_MIN_BYTES
    : options.transfer === true && raw.byteLength >= MOVED_POOL_MIN_BYTES
  if (!offThread) return encodeInline(raw, codec, level)
  return (pool ??= new EncodePool()).encode(raw, codec, level, options)
}

/**
 * Serializes and encodes a snapshot that is its own (what a capture built after the barrier:
 * nothing else holds its typed arrays) — after the barrier. From MOVED_POOL_MIN_BYTES of typed
 * arrays (zstd: ZSTD_POOL_MIN_BYTES) it goes to the pool: its typed arrays' buffers are moved
 * there (detached here), the rest cloned, and `v8.serialize` runs there too, so the calling
 * thread is not blocked for the serialize of a large state. Smaller ones: serializeSnapshot and
 * encodeSerialized here. Either blob decodes to the same value (not always the same bytes: an
 * array that crossed threads may be written in V8's sparse form).
 *
 * @example
 * const { bytes } = await encodeOwnValue(await finishCapture(capture), 'none', 1, { where: "step 'w'" })
 */
export async function encodeOwnValue(value: unknown, codec: CodecName, level = 1, options: EncodeOptions = {}): Promise<EncodedSnapshot> {
  compressorFor(codec)
  if (codec === 'zstd' && !(Number.isInteger(level) && level >= 1 && level <= 22)) throw new InvalidCodecLevelError(level)
  const buffers = ownBuffers(value)
  let bytes = 0
  for (const b of buffers) bytes += b.byteLength
  if (bytes < (codec === 'zstd' ? ZSTD_POOL_MIN_BYTES : MOVED_POOL_MIN_BYTES)) return encodeSerialized(serializeSnapshot(value), codec, level, { ...options, transfer: true })
  return (pool ??= new EncodePool()).encodeValue(value, buffers, codec, level, options)
}

/**
 * Serializes and encodes in one call (tests, offline tools; the runtime serializes at the
 * barrier and encodes later).
 *
 * @example
 * const { bytes } = await encodeSnapshot(new Map([['k', 1n]]), 'lz4')
 */
export async function encodeSnapshot(value: unknown, codec: CodecName, level = 1): Promise<EncodedSnapshot> {
  return encodeSerialized(serializeSnapshot(value), codec, level, { transfer: true })
}
