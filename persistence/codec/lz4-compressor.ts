import { createRequire } from 'node:module'
import type { Compressor } from './compressor.ts'

type Lz4 = typeof import('lz4-napi')
let lz4: Lz4 | undefined
/** Loaded on first use: most processes and worker threads never compress with lz4. */
const load = (): Lz4 => (lz4 ??= createRequire(import.meta.url)('lz4-napi') as Lz4)

/**
 * LZ4 in lz4-napi's BLOCK format: a u32 little-endian raw length followed by one LZ4 block
 * (lz4_flex `compress_prepend_size`). Not the frame format: on these machines lz4 frame decoding
 * spent most of its time in the kernel zeroing fresh pages (STYLE.md, "Verified setup notes"),
 * blocks do not. Compression uses the async form, which runs on libuv's thread pool: measured on
 * 4.8 MB, the main thread is busy 0.8 ms instead of 13 ms (total CPU 13.5 ms against 11.6 ms).
 * Decompression stays synchronous (3.6 ms against 12 ms async for the same blob): nothing else
 * runs during a restore.
 *
 * @example
 * const payload = await lz4Compressor.compress(raw, 0)
 */
export const lz4Compressor: Compressor = {
  codec: 'lz4',
  compress: (raw) => load().compress(raw),
  decompress(payload, rawBytes) {
    // The block carries its own length: a disagreement with the header means the two were not
    // written together, which the checksums alone cannot see (both can be valid).
    const prefix = payload.byteLength >= 4 ? new DataView(payload.buffer, payload.byteOffset, 4).getUint32(0, true) : -1
    if (prefix !== rawBytes) throw new Error(`the lz4 block says ${prefix} raw bytes, the header ${rawBytes}`)
    return load().uncompressSync(payload)
  },
}
