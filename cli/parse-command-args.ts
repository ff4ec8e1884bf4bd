import { parseArgs, type ParseArgsConfig } from 'node:util'
import { UsageError } from './usage-error.ts'

type Options = NonNullable<ParseArgsConfig['options']>

/** What a subcommand (checkpoints, state, runner) needs to parse its arguments and word its usage errors. */
export interface CommandArgs<O extends Options> {
  /** `checkpoints`, `state`, `runner`: named in messages and carried by the UsageError. */
  readonly command: string
  /** Its options; `--store`, `--json` and `--help` are every subcommand's and are added here. */
  readonly options: O
  /** The options as an unknown-option message lists them, e.g. `--store S, --json, --help`. */
  readonly listed: string
  /** The one-line usage appended to other parse errors. */
  readonly usage: string
}

const COMMON = { store: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const

/** What parseArgs returns for a subcommand's options (named, so that declarations can be emitted). */
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[], allowPositionals: true, strict: true, options: typeof COMMON & O }>>

/**
 * parseArgs with positionals and strict options, whose errors become UsageErrors naming the
 * option and listing the valid ones (parseArgs's own text suggests `--` tricks instead).
 *
 * @example
 * const { values, positionals } = parseCommandArgs(argv, { command: 'state', options: { active: { type: 'boolean' } }, listed: '--store S, --json, --active, --help', usage: USAGE })
 */
export function parseCommandArgs<O extends Options>(argv: readonly string[], spec: CommandArgs<O>): Parsed<O> {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: { ...COMMON, ...spec.options } })
  } catch (e) {
    const flag = /'(-[^' ]*)/.exec((e as Error).message)?.[1] ?? 'an option'
    const code = (e as { code?: string }).code
    const fail = (message: string): UsageError => new UsageError(message, spec.command)
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw fail(`unknown option '${flag}' for oxiflow ${spec.command}; the options are ${spec.listed}`)
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw fail(`option '${flag}' ${(e as Error).message.includes('does not take') ? 'takes no value' : 'needs a value'}; ${spec.usage}`)
    throw fail(`could not read the arguments: ${(e as Error).message}; ${spec.usage}`)
  }
}
