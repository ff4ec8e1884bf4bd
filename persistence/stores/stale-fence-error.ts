import { OxiflowError } from '../oxiflow-error.ts'

/**
 * A write fenced with a lease token older than the lease's newest: another runner took the
 * pipeline over, so this runner must not commit.
 *
 * @example
 * new StaleFenceError('pipelines/p/checkpoints/0000000003/manifest.json', 'pipelines/p/lease', 3, 4).message
 * // "write to 'pipelines/p/checkpoints/0000000003/manifest.json' refused: fenced by token 3 of lease 'pipelines/p/lease', which is now at token 4 — another runner took this pipeline over; stop this one"
 */
export class StaleFenceError extends OxiflowError {
  override readonly name = 'StaleFenceError'
  constructor(readonly key: string, readonly lease: string, readonly token: number, readonly current: number) {
    super('ERR_STALE_FENCE', `write to '${key}' refused: fenced by token ${token} of lease '${lease}', which is now at token ${current} — ` +
      'another runner took this pipeline over; stop this one')
  }
}

/**
 * True when `e` is a StaleFenceError.
 *
 * @example
 * if (isStaleFenceError(e)) job.stop()
 */
export function isStaleFenceError(e: unknown): e is StaleFenceError {
  return e instanceof StaleFenceError
}
