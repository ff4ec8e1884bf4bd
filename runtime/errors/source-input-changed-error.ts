import { OxiflowError } from './oxiflow-error.ts'

/**
 * A restore found a source's input changed since the checkpoint: the file is now shorter
 * than a restored position (`reason` 'shorter'), or the bytes just before it are not those read
 * before the checkpoint ('different': the file was replaced or rewritten). The checkpoint's
 * positions are byte offsets into the file it read, so resuming in another file would skip or
 * repeat lines, or cut one in two; the restore is refused before any record flows. Lines
 * appended to the file after the position are fine. A file cut while a job reads it ('shorter'
 * too) fails the job at the read that finds its end early. Broker sources raise
 * SourceStreamChangedError (same code) instead.
 *
 * @example
 * new SourceInputChangedError('lines', 'in.jsonl', 81920, 'shorter', "step 'lines' (jsonl source): ...")
 */
export class SourceInputChangedError extends OxiflowError {
  override readonly name = 'SourceInputChangedError'
  constructor(readonly step: string, readonly path: string, readonly position: number, readonly reason: 'shorter' | 'different', message: string) {
    super('ERR_SOURCE_INPUT_CHANGED', message)
  }
}

/**
 * True when `e` is a SourceInputChangedError.
 *
 * @example
 * try { await job.done } catch (e) { if (isSourceInputChangedError(e)) console.error(e.path, e.position) }
 */
export function isSourceInputChangedError(e: unknown): e is SourceInputChangedError {
  return e instanceof SourceInputChangedError
}
