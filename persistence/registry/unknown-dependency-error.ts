import { OxiflowError } from '../oxiflow-error.ts'

/**
 * A state holder's `dependsOn` names a state id that no registered holder has. Names the
 * holder, its step, the missing id and the ids that do exist.
 *
 * @example
 * new UnknownDependencyError('agg/sum', 'agg', 'win/buffer', ['agg/sum', 'win/buf'])
 */
export class UnknownDependencyError extends OxiflowError {
  override readonly name = 'UnknownDependencyError'
  constructor(readonly stateId: string, readonly step: string, readonly missing: string, known: readonly string[]) {
    super('ERR_UNKNOWN_DEPENDENCY',
      `state holder '${stateId}' of step '${step}' depends on '${missing}', which no state holder of this pipeline has; ` +
      `known state ids: ${listIds(known)}; fix the id in dependsOn (state ids are '<step>/<part>')`)
  }
}

function listIds(ids: readonly string[]): string {
  const shown = ids.slice(0, 20).map((id) => `'${id}'`).join(', ')
  return ids.length > 20 ? `${shown} and ${ids.length - 20} more` : shown || '(none)'
}

/**
 * True when `e` is an UnknownDependencyError.
 *
 * @example
 * if (isUnknownDependencyError(e)) console.error(e.stateId, e.missing)
 */
export function isUnknownDependencyError(e: unknown): e is UnknownDependencyError {
  return e instanceof UnknownDependencyError
}
