import { OxiflowError } from '../errors/oxiflow-error.ts'

/**
 * A pipeline module is TypeScript and this Node can load TypeScript neither itself (no type
 * stripping before Node 22.6) nor through tsx, which is not installed where oxiflow can find it.
 *
 * @example
 * // oxiflow run job.ts on Node 20 without tsx → TypeScriptLoaderError: … npm install --save-dev tsx
 * new TypeScriptLoaderError('file:///app/job.ts')
 */
export class TypeScriptLoaderError extends OxiflowError {
  override readonly name = 'TypeScriptLoaderError'
  constructor(readonly module: string, options?: ErrorOptions) {
    super('ERR_TYPESCRIPT_LOADER',
      `cannot load the TypeScript module ${module}: Node ${process.versions.node} does not run TypeScript itself and tsx is not installed; ` +
      'install it next to oxiflow (npm install --save-dev tsx), run on a Node with type stripping (23.6 or later), or compile the module to JavaScript', options)
  }
}

/**
 * True for a TypeScriptLoaderError.
 *
 * @example
 * try { await loadPipeline('job.ts', {}) } catch (e) { if (isTypeScriptLoaderError(e)) console.error(e.module) }
 */
export function isTypeScriptLoaderError(e: unknown): e is TypeScriptLoaderError {
  return e instanceof TypeScriptLoaderError
}
