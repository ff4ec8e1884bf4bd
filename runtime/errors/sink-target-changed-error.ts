import { OxiflowError } from './oxiflow-error.ts'

/**
 * A restore found a sink's target changed since the checkpoint: `sinks.jsonl` now writes another
 * path, its file is shorter than the checkpoint's committed length (changed outside oxiflow), or
 * its last 64 KiB before that length are not what the checkpoint committed (another run wrote
 * there — a restore of a checkpoint of another history — or the file was edited). The
 * checkpoint's state continues that file at its committed length, so restoring would leave a gap
 * of NUL bytes, lose output or cut another run's line in two; the restore is refused before any
 * record flows.
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
