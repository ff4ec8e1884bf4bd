import { OxiflowError } from '../errors/oxiflow-error.ts'

/**
 * A worker thread hosting actors died (an uncaught exception outside a step, running out of
 * memory, `process.exit` in user code). The job fails; its checkpoints, once taken, allow a restart.
 *
 * @example
 * try { await job.done } catch (e) { if (isWorkerCrashError(e)) console.error(e.worker) }
 */
export class WorkerCrashError extends OxiflowError {
  override readonly name = 'WorkerCrashError'
  constructor(readonly worker: number, reason: string, options?: { cause?: unknown }) {
    super('ERR_WORKER_CRASH', `worker ${worker} died: ${reason}; the actors it hosted are lost — ` +
      'look for an uncaught exception or process.exit in the pipeline module, or run with --workers 0 to see it inline', options)
  }
}

export function isWorkerCrashError(e: unknown): e is WorkerCrashError {
  return e instanceof WorkerCrashError
}
