import * as zlib from 'node:zlib'
import { tableCrc32 } from './table-crc32.ts'

// `zlib.crc32` exists from Node 20.15 / 22.2 (native, ~2–4 GB/s here); package.json allows Node
// 20.10, so older versions fall back to the slicing-by-8 table (same results, several times slower).
// Read off the namespace object: a named import of a missing export fails to link.
const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32

/**
 * CRC-32 (zlib's) of `bytes`: the checksum each blob's header carries for its payload.
 *
 * @example
 * crc32(new TextEncoder().encode('123456789')) // 0xcbf43926
 */
export const crc32: (bytes: Uint8Array) => number = native
  ? (bytes) => native(bytes)
  : (bytes) => tableCrc32(bytes)
