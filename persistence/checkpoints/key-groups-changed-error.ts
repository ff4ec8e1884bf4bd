import { OxiflowError } from '../oxiflow-error.ts'

/**
 * A restore under another maxKeyGroups than the checkpoint was written with: keyed state is
 * stored by key group (murmur3 of the key modulo maxKeyGroups), so its groups cannot be read under
 * another count. Refused before any holder is restored, naming both values.
 *
 * @example
 * new KeyGroupsChangedError('clicks', 7, 128, 256)
 */
export class KeyGroupsChangedError extends OxiflowError {
  override readonly name = 'KeyGroupsChangedError'
  constructor(readonly pipelineId: string, readonly checkpointId: number, readonly written: number, readonly asked: number) {
    super('ERR_KEY_GROUPS_CHANGED', `checkpoint ${checkpointId} of pipeline '${pipelineId}' holds keyed state in ${written} key groups ` +
      `(maxKeyGroups ${written}), and this run has maxKeyGroups ${asked}: key groups cannot be renumbered — run with ` +
      `maxKeyGroups: ${written} to restore it, or start without restore`)
  }
}

/**
 * True for a KeyGroupsChangedError.
 *
 * @example
 * job.done.catch((e) => { if (isKeyGroupsChangedError(e)) console.error(e.written, e.asked) })
 */
export function isKeyGroupsChangedError(e: unknown): e is KeyGroupsChangedError {
  return e instanceof KeyGroupsChangedError
}
