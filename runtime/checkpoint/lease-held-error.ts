import { OxiflowError } from '../errors/oxiflow-error.ts'

/**
 * Another runner holds the pipeline's lease: one runner per pipeline. The CLI exits with code 3.
 *
 * @example
 * // pipeline 'clicks' is already running: lease held by host-a:4242 since 12:00:01; expires in 9 s
 */
export class LeaseHeldError extends OxiflowError {
  override readonly name = 'LeaseHeldError'
  constructor(readonly pipelineId: string, readonly holder: string, since: number | undefined, readonly expiresInMs: number) {
    super('ERR_LEASE_HELD', `pipeline '${pipelineId}' is already running: lease held by ${holder}` +
      `${since === undefined ? '' : ` since ${new Date(since).toISOString()}`}; expires in ${Math.ceil(expiresInMs / 1000)} s — ` +
      `stop that runner (oxiflow runner stop ${holder} --store <this store>, or Ctrl-C where it runs: either takes a final checkpoint) or wait until its lease expires`)
  }
}

export function isLeaseHeldError(e: unknown): e is LeaseHeldError {
  return e instanceof LeaseHeldError
}
