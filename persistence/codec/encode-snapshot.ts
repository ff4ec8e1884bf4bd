import { serialize } from 'node:v8'
import { UnknownCodecError } from '../errors/unknown-codec-error.ts'
import { HEADER_BYTES, writeBlobHeader } from './blob-header.ts'
import type { CodecName } from './codec-name.ts'
import { COMPRESSORS } from './compressors.ts'

/** An encoded snapshot: the blob, its raw (serialized) length and its payload checksum. */
export interface EncodedSnapshot {
  readonly bytes: Uint8Array
  readonly rawBytes: number
  readonly crc32: number
}

/**
 * `v8.serialize` of a holder's snapshot — synchronous, at the barrier (a live object cannot
 * leave its thread for less). Map, Set, typed arrays and BigInt survive; class prototypes do not.
 *
 * @example
 * const raw = serializeSnapshot(holder.snapshot())
 */
export function serializeSnapshot(value: unknown): Uint8Array {
  return serialize(value)
}

/**
 * Compresses serialized bytes and frames them with a checksummed header (asynchronously,
 * after the barrier). zstd level 1 by default (measured ratio ~5 at ~350 MB/s here).
 *
 * @example
 * const { bytes } = await encodeSerialized(serializeSnapshot(state), 'zstd')
 */
export async function encodeSerialized(raw: Uint8Array, codec: CodecName, level = 1): Promise<EncodedSnapshot> {
  const c = COMPRESSORS[codec]
  if (!c) throw new UnknownCodecError(String(codec))
  const payload = await c.compress(raw, level)
  const bytes = new Uint8Array(HEADER_BYTES + payload.byteLength)
  bytes.set(payload, HEADER_BYTES)
  const crc32 = writeBlobHeader(bytes, codec, raw.byteLength, payload)
  return { bytes, rawBytes: raw.byteLength, crc32 }
}

/** Serialize and encode in one call (tests, offline tools). */
export function encodeSnapshot(value: unknown, codec: CodecName, level = 1): Promise<EncodedSnapshot> {
  return encodeSerialized(serializeSnapshot(value), codec, level)
}
