import { OxiflowError } from '../oxiflow-error.ts'

/**
 * A checkpoint was written by a newer Node than the one running: v8's serialization format is
 * backward compatible only, so its snapshots may not deserialize. Names both versions and the
 * Node to restore with.
 *
 * @example
 * new NodeVersionError('clicks', 7, 'v22.1.0', 'v20.20.2')
 */
export class NodeVersionError extends OxiflowError {
  override readonly name = 'NodeVersionError'
  constructor(readonly pipelineId: string, readonly checkpointId: number, readonly written: string, readonly running: string) {
    super('ERR_NODE_VERSION',
      `checkpoint ${checkpointId} of pipeline '${pipelineId}' was written by Node ${written}, this is ${running}: ` +
      `v8's serialization format is backward compatible only; restore with Node ≥ ${written}`)
  }
}

/**
 * True when `e` is a NodeVersionError.
 *
 * @example
 * if (isNodeVersionError(e)) console.error(e.written, e.running)
 */
export function isNodeVersionError(e: unknown): e is NodeVersionError {
  return e instanceof NodeVersionError
}
