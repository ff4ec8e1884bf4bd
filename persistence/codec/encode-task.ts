import type { CodecName } from './codec-name.ts'

/**
 * What the encode pool posts to one of its threads (types only: encode-pool.ts on the caller's
 * thread and encode-worker.ts on a pool thread share it and never import each other): serialized
 * bytes (`raw`, moved, not copied), or a snapshot still to serialize (`value`, its typed arrays
 * moved, the rest cloned). `codec` and `level` were checked on the caller's thread. The thread
 * answers with the blob (header + payload), moved back.
 *
 * @example
 * const task: EncodeTask = { raw, codec: 'zstd', level: 1 }
 */
export type EncodeTask =
  | { readonly raw: Uint8Array; readonly codec: CodecName; readonly level: number }
  | { readonly value: unknown; readonly codec: CodecName; readonly level: number }
