import { OxiflowError } from '../errors/oxiflow-error.ts'

/**
 * This runner could not renew its lease in time (the store was unreachable, or another runner
 * took the pipeline over after the lease expired). The job stops: its commits would be fenced off.
 *
 * @example
 * try { await job.done } catch (e) { if (isLeaseLostError(e)) console.error(e.message) }
 */
export class LeaseLostError extends OxiflowError {
  override readonly name = 'LeaseLostError'
  constructor(readonly pipelineId: string, reason: string, options?: { cause?: unknown }) {
    super('ERR_LEASE_LOST', `pipeline '${pipelineId}': this runner lost its lease (${reason}); the job was stopped so that ` +
      'only one runner writes its checkpoints — restart it with --restore latest once the store is reachable', options)
  }
}

export function isLeaseLostError(e: unknown): e is LeaseLostError {
  return e instanceof LeaseLostError
}
