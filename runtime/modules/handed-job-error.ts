import { OxiflowError } from '../errors/oxiflow-error.ts'

/**
 * `checkpoint()` on the job a module's `run()` returned where oxiflow loaded that module itself
 * (a worker host, or `oxiflow run` before it started the job): the run was handed over, and the
 * job that runs belongs to the main thread or the command.
 *
 * @example
 * // in a worker host: p.run({ workers: 2, module: import.meta.url }).checkpoint() → rejects with HandedJobError
 * new HandedJobError('clicks', 'checkpoint()')
 */
export class HandedJobError extends OxiflowError {
  override readonly name = 'HandedJobError'
  constructor(readonly pipelineId: string, readonly call: string) {
    super('ERR_HANDED_JOB',
      `pipeline '${pipelineId}': ${call} on a job this module handed over — the module was loaded by oxiflow ` +
      '(oxiflow run, or a worker host), which runs the pipeline itself; take checkpoints from the main thread or with ' +
      '--checkpoint-interval, and keep such code out of worker hosts with isWorkerHost()')
  }
}

/**
 * True for a HandedJobError.
 *
 * @example
 * job.stop().catch((e) => { if (!isHandedJobError(e)) throw e })
 */
export function isHandedJobError(e: unknown): e is HandedJobError {
  return e instanceof HandedJobError
}
