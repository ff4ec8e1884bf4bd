import { OxiflowError } from '../oxiflow-error.ts'

/**
 * State holders depend on each other in a cycle, so no restore order exists. `cycle` lists the
 * state ids in dependency order, the first repeated at the end (`a/x -> b/y -> a/x`: a/x
 * depends on b/y, which depends on a/x); `reasons` says where each link comes from.
 *
 * @example
 * new DependencyCycleError(['a/x', 'b/y', 'a/x'], ["'a/x' declares dependsOn 'b/y'", "step 'b' reads from step 'a'"])
 */
export class DependencyCycleError extends OxiflowError {
  override readonly name = 'DependencyCycleError'
  constructor(readonly cycle: readonly string[], readonly reasons: readonly string[]) {
    super('ERR_DEPENDENCY_CYCLE',
      `state holders depend on each other in a cycle: ${cycle.join(' -> ')} (${reasons.join('; ')}); ` +
      `no restore order exists: remove one of these dependsOn entries, or declare the dependency on a holder of an upstream step instead`)
  }
}

/**
 * True when `e` is a DependencyCycleError.
 *
 * @example
 * if (isDependencyCycleError(e)) console.error(e.cycle.join(' -> '))
 */
export function isDependencyCycleError(e: unknown): e is DependencyCycleError {
  return e instanceof DependencyCycleError
}
