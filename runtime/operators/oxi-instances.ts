import type { Oxi } from '../contracts/oxi.ts'
import { PipelineDefinitionError } from '../errors/pipeline-definition-error.ts'
import { nearKey, shown } from '../option-checks.ts'

/** Oxi objects given directly (not as a factory) that a live instance uses: one instance each. */
const claimed = new WeakSet<Oxi>()

/**
 * The Oxi for one instance of a `.process` step: a factory is called; an object is used once
 * at a time, because one object holds one instance's state and a second live instance would
 * share it silently.
 */
export function instantiateOxi(step: string, oxi: Oxi | (() => Oxi)): Oxi {
  if (typeof oxi === 'function') {
    const made: unknown = oxi()
    if (typeof made === 'object' && made !== null && typeof (made as Partial<Oxi>).onBatch === 'function') return made as Oxi
    throw new PipelineDefinitionError(`step '${step}': its Oxi factory returned ${shown(made)}, which has no onBatch(records, ctx) function${nearKey(made, 'onBatch')}; ` +
      `return an Oxi: .process('${step}', () => ({ onBatch(records, ctx) { ... } }))`, step)
  }
  if (claimed.has(oxi)) {
    throw new PipelineDefinitionError(`step '${step}': its Oxi object is already used by a running instance; ` +
      `pass a factory instead (.process('${step}', () => ({ onBatch(records, ctx) { ... } }))) so each instance gets its own state`, step)
  }
  claimed.add(oxi)
  return oxi
}

/** Frees an Oxi object when its instance closes, so a later run may use it. */
export function releaseOxi(oxi: Oxi): void {
  claimed.delete(oxi)
}
