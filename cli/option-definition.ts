/**
 * One command-line option, defined once: `parseArgs` options, the `--help` table and the list
 * an unknown-option error names are all derived from it (parseArgsOptions, optionList,
 * optionsHelp), so they cannot disagree.
 */
export interface OptionDefinition {
  /** The long name, without `--`: `batch-size`. */
  readonly name: string
  readonly type: 'string' | 'boolean'
  /** The value's placeholder in help and messages (`N`, `JSON`, `latest|ID`); string options only. */
  readonly value?: string
  /** A one-letter alias, without `-`: `h`. */
  readonly short?: string
  /** What it does, for the help table (one sentence, no trailing period). */
  readonly description: string
  /** The value when the option is absent, as help shows it after "default" (`0`, `OXIFLOW_STORE or .oxiflow`). */
  readonly default?: string
  /** The action it applies to, in commands with actions (`list`): shown after it in the list of options. */
  readonly action?: string
}

/** The parseArgs `options` object of some definitions, keyed and typed by name. */
export type ParseArgsOptionsOf<D extends readonly OptionDefinition[]> = {
  readonly [O in D[number] as O['name']]: O extends { readonly short: string } ? { type: O['type']; short: O['short'] } : { type: O['type'] }
}

/**
 * The `options` argument of `node:util` parseArgs for these definitions.
 *
 * @example
 * parseArgsOptions([{ name: 'json', type: 'boolean', description: 'print JSON' }] as const) // { json: { type: 'boolean' } }
 */
export function parseArgsOptions<const D extends readonly OptionDefinition[]>(definitions: D): ParseArgsOptionsOf<D> {
  return Object.fromEntries(definitions.map((d) => [d.name, d.short === undefined ? { type: d.type } : { type: d.type, short: d.short }])) as ParseArgsOptionsOf<D>
}

/**
 * The option as help and messages write it: `--batch-size N`, `-h, --help` (with `short`).
 *
 * @example
 * optionUsage({ name: 'workers', type: 'string', value: 'N', description: '…' }) // '--workers N'
 */
export function optionUsage(d: OptionDefinition, withShort = false): string {
  return `${withShort && d.short !== undefined ? `-${d.short}, ` : ''}--${d.name}${d.value === undefined ? '' : ` ${d.value}`}`
}

/**
 * The options as an unknown-option error lists them: `--store S, --json, --active (list), --help`.
 *
 * @example
 * optionList(STATE_OPTIONS) // '--store S, --json, --active (list), --stale (cleanup), --out FILE (export), --help'
 */
export function optionList(definitions: readonly OptionDefinition[]): string {
  return definitions.map((d) => `${optionUsage(d)}${d.action === undefined ? '' : ` (${d.action})`}`).join(', ')
}
