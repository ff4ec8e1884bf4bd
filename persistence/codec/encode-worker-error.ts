import { OxiflowError } from '../oxiflow-error.ts'

/**
 * An encode pool thread failed to encode a snapshot: it threw (the library's error is the
 * `cause`), or it died (exited, ran out of memory) before it answered. Names the snapshot
 * (`where`, when the caller gave one), its codec and size (−1: sent to be serialized there), and what happened.
 *
 * @example
 * new EncodeWorkerError("step 'agg' (agg/sum)", 'zstd', 1_048_576, 'the thread exited with code 1')
 */
export class EncodeWorkerError extends OxiflowError {
  override readonly name = 'EncodeWorkerError'
  constructor(readonly where: string | undefined, readonly codec: string, readonly rawBytes: number, readonly problem: string, options?: { cause?: unknown }) {
    super('ERR_ENCODE_WORKER', `${where === undefined ? '' : `${where}: `}${rawBytes < 0 ? 'serializing and encoding the snapshot (' : `encoding the snapshot (${rawBytes} serialized bytes, `}codec ${codec}) ` +
      `on an encode pool thread failed: ${problem} — the checkpoint that needed it is not written; if it happens again, ` +
      'check the process has memory and threads to spare, or choose another codec', options)
  }
}

/**
 * True when `e` is an EncodeWorkerError.
 *
 * @example
 * if (isEncodeWorkerError(e)) console.error(e.codec, e.problem)
 */
export function isEncodeWorkerError(e: unknown): e is EncodeWorkerError {
  return e instanceof EncodeWorkerError
}
