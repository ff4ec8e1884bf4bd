import { PipelineDefinitionError } from '../errors/pipeline-definition-error.ts'

const NAME = /^[A-Za-z0-9_-]+$/

/** Throws when `name` is not a valid step or pipeline name, suggesting a valid one. */
export function checkName(what: string, name: unknown, pipelineId?: string): void {
  const where = pipelineId === undefined ? '' : `pipeline '${pipelineId}': `
  if (typeof name !== 'string' || !NAME.test(name)) {
    const shown = typeof name === 'string' ? `'${name}'` : String(name)
    const fix = typeof name === 'string' && name.length > 0
      ? `, e.g. '${name.replace(/[^A-Za-z0-9_-]+/g, '_')}'` : ''
    throw new PipelineDefinitionError(
      `${where}${what} name ${shown} is invalid: names match [A-Za-z0-9_-]+${fix}`,
      typeof name === 'string' ? name : undefined)
  }
}

/**
 * Throws unless a stateful step (or a source or sink) was given a name: stateful steps store their
 * state under it. The one copy both builders (pipeline.ts, windowed-stream.ts) call.
 *
 * @example
 * requireName('reduce', undefined) // throws: a reduce step needs a name first, e.g. .reduce('my-reduce', ...): …
 */
export function requireName(kind: string, name: unknown): void {
  if (typeof name !== 'string') {
    throw new PipelineDefinitionError(`${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} step needs a name first, e.g. .${kind}('my-${kind}', ...): ` +
      `stateful steps are stored under their name`)
  }
}
