import { readFileSync } from 'node:fs'

/**
 * The version in oxiflow's package.json, read when asked (the CLI prints it for `--version`).
 * The file is one folder up from the sources (cli/) and from the built bundle (dist/).
 *
 * @example
 * version() // '0.1.0'
 */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown }
  return typeof pkg.version === 'string' ? pkg.version : 'unknown'
}
