export type { BlobHeader, CodecName } from './codec-name.ts'
export { readBlobHeader } from './blob-header.ts'
export { encodeSerialized, encodeSnapshot, serializeSnapshot, type EncodedSnapshot } from './encode-snapshot.ts'
export { decodeSnapshot, verifyBlob } from './decode-snapshot.ts'
