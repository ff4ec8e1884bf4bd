import { OxiflowError } from '../runtime/errors/oxiflow-error.ts'

/**
 * `oxiflow runner stop` could not stop the runner: it holds no live lease in the store, or it
 * did not release its leases in time.
 *
 * @example
 * // cannot stop runner box:4242: it holds no live lease in file store /srv/.oxiflow; oxiflow runner list shows the runners
 */
export class RunnerStopError extends OxiflowError {
  override readonly name = 'RunnerStopError'
  constructor(readonly runner: string, reason: string) {
    super('ERR_RUNNER_STOP', `cannot stop runner ${runner}: ${reason}`)
  }
}

/**
 * True when `e` is a RunnerStopError.
 *
 * @example
 * if (isRunnerStopError(e)) console.error(e.runner)
 */
export function isRunnerStopError(e: unknown): e is RunnerStopError {
  return e instanceof RunnerStopError
}
