import { isAbsolute } from 'node:path'
import { pathToFileURL } from 'node:url'
import { TypeScriptLoaderError } from './typescript-loader-error.ts'

const TYPESCRIPT = /\.(?:ts|mts|cts|tsx)$/

/** Errors of Node's own type stripping that tsx does not have: syntax it refuses, `./x.js` meaning `./x.ts`. */
const STRIPPING_LIMITS = new Set(['ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX', 'ERR_INVALID_TYPESCRIPT_SYNTAX', 'ERR_MODULE_NOT_FOUND'])

type TsImport = (specifier: string, parent: string) => Promise<unknown>

/**
 * Imports a user's module by its file URL (`import.meta.url`) or absolute path. JavaScript is imported by Node. TypeScript is imported
 * by Node itself where it strips types (`process.features.typescript`, Node 22.6+), falling back
 * to tsx for what stripping refuses; elsewhere through tsx, which is loaded only here, the first
 * time a TypeScript module is imported — oxiflow itself is JavaScript and needs no loader.
 * With neither, a TypeScriptLoaderError says what to install.
 *
 * @example
 * const mod = await importModule(pathToFileURL('job.ts').href) as { default?: unknown }
 */
export async function importModule(module: string): Promise<unknown> {
  const url = isAbsolute(module) ? pathToFileURL(module).href : module
  if (!TYPESCRIPT.test(new URL(url).pathname)) return import(url)
  if (hasTypeStripping()) {
    try {
      return await import(url)
    } catch (e) {
      const code = (e as { code?: unknown }).code
      if (typeof code !== 'string' || !STRIPPING_LIMITS.has(code)) throw e
      const tsImport = await loadTsx()
      if (!tsImport) throw e
      return tsImport(url, import.meta.url)
    }
  }
  const tsImport = await loadTsx()
  if (!tsImport) throw new TypeScriptLoaderError(url)
  return tsImport(url, import.meta.url)
}

/** True where this Node runs TypeScript itself (`process.features.typescript` is 'strip' or 'transform'). */
function hasTypeStripping(): boolean {
  return Boolean((process.features as { typescript?: unknown }).typescript)
}

let tsx: Promise<TsImport | undefined> | undefined

/** tsx's tsImport, resolved from oxiflow's own location (a user's project hoists it beside oxiflow); undefined when not installed. */
function loadTsx(): Promise<TsImport | undefined> {
  tsx ??= import('tsx/esm/api').then(
    (api) => api.tsImport as TsImport,
    (e: unknown) => {
      if ((e as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND') return undefined
      throw e
    })
  return tsx
}
