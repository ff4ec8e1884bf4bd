import { serialize } from 'node:v8'
import { move } from 'piscina'
import { encodeInline } from './encode-inline.ts'
import type { EncodeTask } from './encode-task.ts'

/**
 * A pool thread's task (the module piscina loads: dist/encode-worker.js in the package, through
 * encode-worker.mjs under tsx): serialize (when sent as a value), compress, crc32 and frame one snapshot with the same code as the
 * inline path, so the blob is the same bytes, and move the blob back (no copy). Errors go back to
 * the pool, which names what failed (EncodeWorkerError).
 *
 * @example
 * const blob = await pool.run({ raw, codec: 'zstd', level: 1 }, { transferList: [raw.buffer] })
 */
export default async function encodeTask(task: EncodeTask): Promise<unknown> {
  // A snapshot sent as a value is serialized here, as serializeSnapshot would on the caller's thread.
  const raw = 'raw' in task ? task.raw : serialize(task.value)
  const { bytes } = await encodeInline(raw, task.codec, task.level)
  return move(bytes)
}
