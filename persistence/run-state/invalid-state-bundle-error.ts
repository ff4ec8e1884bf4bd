import { OxiflowError } from '../oxiflow-error.ts'

/**
 * A file given to `oxiflow state import` is not a pipeline state export this version reads, is
 * the export of another pipeline, or is one whose checkpoints do not verify (`damaged`: a blob
 * changed or cut since it was exported, a key that is none of a checkpoint's).
 *
 * @example
 * // clicks.state.json is not an oxiflow state export: no "format": 1 — export it with oxiflow state export <pipeline> --out FILE
 */
export class InvalidStateBundleError extends OxiflowError {
  override readonly name = 'InvalidStateBundleError'
  constructor(readonly file: string, readonly problem: string, readonly damaged = false) {
    super('ERR_INVALID_STATE_BUNDLE', damaged
      ? `${file} is a state export whose checkpoints do not verify (nothing was imported): ${problem} — export the pipeline's state again, or import an intact copy`
      : `${file} is not an oxiflow state export of the pipeline asked for: ${problem} — ` +
        'import a file written by oxiflow state export <pipeline> --out FILE, under the same pipeline id')
  }
}

/**
 * True when `e` is an InvalidStateBundleError.
 *
 * @example
 * if (isInvalidStateBundleError(e)) console.error(e.problem)
 */
export function isInvalidStateBundleError(e: unknown): e is InvalidStateBundleError {
  return e instanceof InvalidStateBundleError
}
