import { createRequire } from 'node:module'
import type { SemVer } from 'semver'

type Parse = (version: string) => SemVer | null
let parse: Parse | undefined

/**
 * semver's `parse`, loaded on first use: only restores check versions, and loading it costs
 * every process and worker thread that never restores (bench/README.md, "What the floor is made
 * of"). Its own module only, not the package index (~50 modules).
 *
 * @example
 * parseSemver('v20.20.2')?.minor // 20
 * parseSemver('not a version') // null
 */
export function parseSemver(version: string): SemVer | null {
  parse ??= createRequire(import.meta.url)('semver/functions/parse.js') as Parse
  return parse(version)
}
