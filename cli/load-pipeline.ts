import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { loadModule, type LoadOptions } from '../runtime/modules/load-module.ts'
import { shown } from '../runtime/option-checks.ts'
import type { RunnablePipeline } from './job-shape.ts'
import { UsageError } from './usage-error.ts'

/** A pipeline and the URL of the module it came from (which worker hosts import again). */
export interface LoadedPipeline {
  readonly pipeline: RunnablePipeline
  readonly module: string
}

const FIX = "export default pipeline('id').source(...).sink(...), or export default (params) => pipeline('id')..."

/**
 * Imports a pipeline module (a path relative to `cwd`, .js, or .ts — see importModule) and
 * returns the Pipeline its default export is, or that its default export (a function of
 * `params`, maybe async) returns; a module without a default export that runs a pipeline itself
 * gives that one (its run() started nothing: see loadModule). A missing file or a default export
 * that is neither is a UsageError saying the fix (and pointing to `command`'s help); an error
 * thrown by the module itself propagates unchanged (the job fails, exit 1).
 *
 * @example
 * const { pipeline, module } = await loadPipeline('examples/clickstream.ts', { seconds: 2 })
 * pipeline.run({ workers: 0, module, params: { seconds: 2 } })
 */
export async function loadPipeline(path: string, params: Record<string, unknown>, cwd = process.cwd(), load: LoadOptions = {},
  command: 'run' | 'plan' = 'run'): Promise<LoadedPipeline> {
  const file = resolve(cwd, path)
  const stat = statSync(file, { throwIfNoEntry: false })
  if (!stat?.isFile()) {
    throw new UsageError(`${stat ? `${file} is a directory, not a module` : `module not found: ${file}`}; give the path of a .ts or .js file ` +
      `relative to the current directory (${cwd}), e.g. oxiflow ${command} examples/clickstream.ts`, command)
  }
  const module = pathToFileURL(file).href
  const { exported, ran } = await loadModule(module, load)
  // The module also ran the pipeline it exports: run that one, so that the job its run() returned is the one that runs.
  if (isRunnable(exported)) return { pipeline: ran.find((r) => r.graph === (exported as { graph?: unknown }).graph) ?? exported, module }
  if (exported === undefined && ran[0]) return { pipeline: ran[0], module }
  if (exported === undefined) {
    throw new UsageError(`${path} has no default export; ${FIX}`, command)
  }
  if (typeof exported !== 'function') {
    throw new UsageError(`the default export of ${path} is ${shown(exported)}, not a Pipeline or a function returning one; ${FIX}`, command)
  }
  const built: unknown = await (exported as (p: Record<string, unknown>) => unknown)(params)
  if (isRunnable(built)) return { pipeline: built, module }
  throw new UsageError(`the default export of ${path} is a function, but it returned ${shown(built)}, not a Pipeline; ` +
    `return the pipeline from it: export default (params) => pipeline('id')...sink(...)`, command)
}

function isRunnable(value: unknown): value is RunnablePipeline {
  return (typeof value === 'object' || typeof value === 'function') && value !== null &&
    typeof (value as { run?: unknown }).run === 'function'
}
