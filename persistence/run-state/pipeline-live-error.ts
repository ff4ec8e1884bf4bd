import { OxiflowError } from '../oxiflow-error.ts'

/**
 * An offline state operation (`oxiflow state import`) refused to touch a pipeline that a live
 * runner holds. Code ERR_LEASE_HELD, like a second runner refused (the CLI exits with code 3).
 *
 * @example
 * // cannot import state into pipeline 'clicks': it is live — runner box:4242 holds its lease (expires in 12 s); ...
 */
export class PipelineLiveError extends OxiflowError {
  override readonly name = 'PipelineLiveError'
  constructor(readonly pipelineId: string, readonly action: string, readonly holder: string, expiresInMs: number) {
    super('ERR_LEASE_HELD', `cannot ${action} pipeline '${pipelineId}': it is live — runner ${holder} holds its lease ` +
      `(expires in ${Math.ceil(Math.max(0, expiresInMs) / 1000)} s); stop it first (oxiflow runner stop ${holder}) or use another store`)
  }
}

/**
 * True when `e` is a PipelineLiveError.
 *
 * @example
 * if (isPipelineLiveError(e)) console.error(e.holder)
 */
export function isPipelineLiveError(e: unknown): e is PipelineLiveError {
  return e instanceof PipelineLiveError
}
