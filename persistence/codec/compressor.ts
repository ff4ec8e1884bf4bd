import type { CodecName } from './codec-name.ts'

/**
 * One codec's compression, both directions. `compress` may run off the main thread (the
 * snapshot is taken at the barrier; its compression must not stall the actor). `decompress`
 * runs at restore, when nothing else waits on the thread, so adapters pick the fastest form.
 * A decompressed buffer is handed to `v8.deserialize`, which keeps typed arrays as views into
 * it: an adapter must return memory that nothing else writes to afterwards (no scratch reuse).
 *
 * @example
 * const payload = await compressorFor('zstd').compress(raw, 1)
 */
export interface Compressor {
  readonly codec: CodecName
  /** Compresses `raw`; `level` is used by zstd only. Must not modify `raw`. */
  compress(raw: Uint8Array, level: number): Promise<Uint8Array>
  /** Decompresses `payload`, which the header says holds `rawBytes` bytes. Throws on malformed input. */
  decompress(payload: Uint8Array, rawBytes: number): Uint8Array | Promise<Uint8Array>
}
