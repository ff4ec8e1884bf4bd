import { OxiflowError } from './oxiflow-error.ts'

/**
 * A restore found a sink's target changed since the checkpoint: `sinks.jsonl` now writes another
 * path, or its file is shorter than the checkpoint's committed length (changed outside oxiflow).
 * The checkpoint's state continues that file at its committed length, so restoring would leave a
 * gap of NUL bytes or lose output; the restore is refused before any record flows.
 *
 * @example
 * new SinkTargetChangedError('out', 'out/a.jsonl', 'out/b.jsonl', "step 'out': ...")
 */
export class SinkTargetChangedError extends OxiflowError {
  override readonly name = 'SinkTargetChangedError'
  constructor(readonly step: string, readonly checkpointTarget: string, readonly currentTarget: string, message: string) {
    super('ERR_SINK_TARGET_CHANGED', message)
  }
}

/** True when `e` is a SinkTargetChangedError. */
export function isSinkTargetChangedError(e: unknown): e is SinkTargetChangedError {
  return e instanceof SinkTargetChangedError
}
