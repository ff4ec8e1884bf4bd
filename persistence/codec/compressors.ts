import { init as initZstd, compress as zstdCompress, decompress as zstdDecompress } from '@bokuweb/zstd-wasm'
import { compressSync as lz4Compress, uncompressSync as lz4Uncompress } from 'lz4-napi'
import { compressSync as snappyCompress, uncompressSync as snappyUncompress } from 'snappy'
import type { CodecName } from './codec-name.ts'

/** Compression of one codec (both directions); `level` only for zstd. */
export interface Compressor {
  compress(raw: Uint8Array, level: number): Uint8Array | Promise<Uint8Array>
  decompress(payload: Uint8Array, rawBytes: number): Uint8Array | Promise<Uint8Array>
}

let zstdReady: Promise<void> | undefined

/**
 * The compressors. lz4 uses lz4-napi's BLOCK format (its frame format and snappy spend most of
 * their time zeroing fresh pages on these machines, per STYLE.md's measurements); zstd is the
 * WASM build, initialised once.
 */
export const COMPRESSORS: Readonly<Record<CodecName, Compressor>> = {
  none: { compress: (raw) => raw, decompress: (payload) => payload },
  lz4: {
    compress: (raw) => lz4Compress(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)),
    decompress: (payload) => lz4Uncompress(payload),
  },
  snappy: {
    compress: (raw) => snappyCompress(raw),
    decompress: (payload) => snappyUncompress(payload, { asBuffer: true }) as Buffer,
  },
  zstd: {
    async compress(raw, level) {
      await (zstdReady ??= initZstd())
      return zstdCompress(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), level)
    },
    async decompress(payload) {
      await (zstdReady ??= initZstd())
      return zstdDecompress(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength))
    },
  },
}
