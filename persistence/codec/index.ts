/**
 * The snapshot codec: v8 serialization, compression (none | lz4 | snappy | zstd) and a
 * checksummed header.
 *
 * @example
 * const { bytes } = await encodeSnapshot(state, 'zstd'); await decodeSnapshot(bytes, 'here')
 */
export type { BlobHeader, CodecName } from './codec-name.ts'
export { CODEC_IDS, isCodecName } from './codec-name.ts'
export { BLOB_HEADER_BYTES } from './blob-header.ts'
export { readBlobHeader } from './read-blob-header.ts'
export { serializeSnapshot } from './serialize-snapshot.ts'
export { encodeOwnValue, encodeSerialized, encodeSnapshot, type EncodedSnapshot, type EncodeOptions } from './encode-snapshot.ts'
export { EncodeWorkerError, isEncodeWorkerError } from './encode-worker-error.ts'
export { verifyBlob } from './verify-blob.ts'
export { decodeSnapshot } from './decode-snapshot.ts'
