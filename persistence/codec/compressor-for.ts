import { UnknownCodecError } from './unknown-codec-error.ts'
import type { CodecName } from './codec-name.ts'
import type { Compressor } from './compressor.ts'
import { lz4Compressor } from './lz4-compressor.ts'
import { noneCompressor } from './none-compressor.ts'
import { snappyCompressor } from './snappy-compressor.ts'
import { zstdCompressor } from './zstd-compressor.ts'

const COMPRESSORS: Readonly<Record<CodecName, Compressor>> = {
  none: noneCompressor, lz4: lz4Compressor, snappy: snappyCompressor, zstd: zstdCompressor,
}

/**
 * The compressor of `codec`; UnknownCodecError (naming `option`) for anything else.
 *
 * @example
 * compressorFor('lz4').codec // 'lz4'
 */
export function compressorFor(codec: CodecName, option = 'codec'): Compressor {
  const c = Object.hasOwn(COMPRESSORS, codec) ? COMPRESSORS[codec] : undefined
  if (c === undefined) throw new UnknownCodecError(String(codec), option)
  return c
}
