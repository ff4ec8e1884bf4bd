import { OxiflowError } from '../oxiflow-error.ts'

/**
 * A blob of a store that is there but cannot be read back whole: a Redis blob whose head is not
 * one oxiflow writes, or whose chunks are gone (another program wrote the key, or deleted some
 * of its chunks). Checkpoint reads take it for a damaged blob — `checkpoints verify` reports it
 * as a problem of its checkpoint, `restore: 'latest'` skips that checkpoint, `state export`
 * leaves the blob out — as they do a blob whose checksum fails; any other read fails with it.
 *
 * @example
 * new DamagedBlobError('redis://127.0.0.1:6379/0', 'pipelines/p/checkpoints/0000000003/count~state.blob', "its chunks 'oxiflow:c:6301…:*' are not all there")
 */
export class DamagedBlobError extends OxiflowError {
  override readonly name = 'DamagedBlobError'
  constructor(readonly store: string, readonly key: string, readonly problem: string) {
    super('ERR_DAMAGED_BLOB', `blob '${key}' of store '${store}' is damaged: ${problem} (another program wrote or deleted ` +
      'part of it); a checkpoint holding it cannot be restored: restore an older one, or delete this one (oxiflow checkpoints delete)')
  }
}

/**
 * True when `e` is a DamagedBlobError.
 *
 * @example
 * if (isDamagedBlobError(e)) console.error(e.key)
 */
export function isDamagedBlobError(e: unknown): e is DamagedBlobError {
  return e instanceof DamagedBlobError
}
