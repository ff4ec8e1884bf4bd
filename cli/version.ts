import { readFileSync } from 'node:fs'

/**
 * The version in oxiflow's package.json, read when asked (the CLI prints it for `--version`).
 * The file is two levels up from the compiled CLI (dist/cli/) and one from its sources (cli/).
 *
 * @example
 * version() // '0.1.0'
 */
export function version(): string {
  for (const path of ['../../package.json', '../package.json']) {
    let pkg: { name?: unknown, version?: unknown }
    try {
      pkg = JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as typeof pkg
    } catch {
      continue
    }
    if (pkg.name === 'oxiflow') return typeof pkg.version === 'string' ? pkg.version : 'unknown'
  }
  return 'unknown'
}
