import { parseArgs } from 'node:util'
import { optionList, parseArgsOptions, type OptionDefinition, type ParseArgsOptionsOf } from './option-definition.ts'
import { UsageError } from './usage-error.ts'

/** What a subcommand (checkpoints, state, runner) needs to parse its arguments and word its usage errors. */
export interface CommandArgs<D extends readonly OptionDefinition[]> {
  /** `checkpoints`, `state`, `runner`: named in messages and carried by the UsageError. */
  readonly command: string
  /** Its option definitions (store-command-options.ts), which its --help lists too. */
  readonly options: D
  /** The one-line usage appended to other parse errors. */
  readonly usage: string
}

/** What parseArgs returns for a subcommand's options (named, so that declarations can be emitted). */
type Parsed<D extends readonly OptionDefinition[]> = ReturnType<typeof parseArgs<{ args: string[], allowPositionals: true, strict: true, options: ParseArgsOptionsOf<D> }>>

/**
 * parseArgs with positionals and strict options, whose errors become UsageErrors naming the
 * option and listing the valid ones (parseArgs's own text suggests `--` tricks instead).
 *
 * @example
 * const { values, positionals } = parseCommandArgs(argv, { command: 'state', options: STATE_OPTIONS, usage: USAGE })
 */
export function parseCommandArgs<const D extends readonly OptionDefinition[]>(argv: readonly string[], spec: CommandArgs<D>): Parsed<D> {
  try {
    const parsed = parseArgs({ args: [...argv], allowPositionals: true, strict: true, tokens: true, options: parseArgsOptions(spec.options) })
    refuseRepeats(parsed.tokens, spec.command)
    return parsed as unknown as Parsed<D>
  } catch (e) {
    if (e instanceof UsageError) throw e
    const flag = /'(-[^' ]*)/.exec((e as Error).message)?.[1] ?? 'an option'
    const code = (e as { code?: string }).code
    const fail = (message: string): UsageError => new UsageError(message, spec.command)
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw fail(`unknown option '${flag}' for oxiflow ${spec.command}; the options are ${optionList(spec.options)}`)
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw fail(`option '${flag}' ${(e as Error).message.includes('does not take') ? 'takes no value' : 'needs a value'}; ${spec.usage}`)
    throw fail(`could not read the arguments: ${(e as Error).message}; ${spec.usage}`)
  }
}

/** A token of parseArgs with `tokens: true`, as far as refuseRepeats reads it. */
interface ArgToken {
  readonly kind: string
  readonly name?: string
  readonly rawName?: string
  readonly value?: string | undefined
}

/**
 * Refuses an option with a value given twice (`--workers 2 --workers 3`): parseArgs keeps the
 * last, and the other would be dropped without a word.
 *
 * @example
 * refuseRepeats(parseArgs({ args, options, tokens: true }).tokens, 'plan')
 */
export function refuseRepeats(tokens: readonly ArgToken[] | undefined, command: string): void {
  const seen = new Map<string, string>()
  for (const t of tokens ?? []) {
    if (t.kind !== 'option' || t.value === undefined || t.name === undefined) continue
    const before = seen.get(t.name)
    if (before !== undefined) {
      throw new UsageError(`option '--${t.name}' is given twice (${JSON.stringify(before)} and ${JSON.stringify(t.value)}); give it once`, command)
    }
    seen.set(t.name, t.value)
  }
}
