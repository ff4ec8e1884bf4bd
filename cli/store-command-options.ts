import type { OptionDefinition } from './option-definition.ts'

// The options of the offline commands (checkpoints, state, runner), defined once each: their
// parsing (parseCommandArgs), the Options table of their --help and the list their
// unknown-option error names all come from these.

const STORE = { name: 'store', type: 'string', value: 'S', description: 'the store the job ran with: a directory or URL', default: 'OXIFLOW_STORE or .oxiflow' } as const
const HELP = { name: 'help', type: 'boolean', short: 'h', description: 'this help' } as const

/**
 * `oxiflow checkpoints` options.
 *
 * @example
 * optionList(CHECKPOINTS_OPTIONS) // '--store S, --json, --help'
 */
export const CHECKPOINTS_OPTIONS = [
  STORE,
  { name: 'json', type: 'boolean', description: 'print JSON on stdout (list, verify, delete; show always does)' },
  HELP,
] as const satisfies readonly OptionDefinition[]

/**
 * `oxiflow state` options.
 *
 * @example
 * optionList(STATE_OPTIONS) // '--store S, --json, --active (list), --stale (cleanup), --out FILE (export), --help'
 */
export const STATE_OPTIONS = [
  STORE,
  { name: 'json', type: 'boolean', description: 'print JSON on stdout (stable for scripts)' },
  { name: 'active', type: 'boolean', action: 'list', description: 'list: only the pipelines running now' },
  { name: 'stale', type: 'boolean', action: 'cleanup', description: 'cleanup: only stale leases, temp files and checkpoint folders without a manifest' },
  { name: 'out', type: 'string', value: 'FILE', action: 'export', description: 'export: write the file here', default: 'stdout' },
  HELP,
] as const satisfies readonly OptionDefinition[]

/**
 * `oxiflow runner` options.
 *
 * @example
 * optionList(RUNNER_OPTIONS) // '--store S, --json, --pipeline P, --timeout MS (stop), --help'
 */
export const RUNNER_OPTIONS = [
  STORE,
  { name: 'json', type: 'boolean', description: 'print JSON on stdout' },
  { name: 'pipeline', type: 'string', value: 'P', description: 'only the leases of pipeline P' },
  { name: 'timeout', type: 'string', value: 'MS', action: 'stop', description: 'stop: how long to wait for the runner to stop; 0: do not wait', default: '60000' },
  HELP,
] as const satisfies readonly OptionDefinition[]
