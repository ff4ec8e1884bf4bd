import { OxiflowError } from '../errors/oxiflow-error.ts'

/**
 * A call reached a worker host after the job closed it (its thread was terminated at the end of
 * the run): the call would never be answered, so it fails with this instead of waiting forever.
 *
 * @example
 * // worker 1 was closed (the job has ended): 'pauseSources' cannot run there — await job.done; a new run restores its last checkpoint
 */
export class WorkerClosedError extends OxiflowError {
  override readonly name = 'WorkerClosedError'
  constructor(readonly worker: number) {
    super('ERR_WORKER_CLOSED', `worker ${worker} was closed (the job has ended): a call to it cannot run — ` +
      'await job.done; the job\'s last checkpoint is in its summary, and a new run restores it with restore: \'latest\'')
  }
}

export function isWorkerClosedError(e: unknown): e is WorkerClosedError {
  return e instanceof WorkerClosedError
}
