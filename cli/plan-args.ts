import { shown } from '../runtime/option-checks.ts'
import { paramsArg, workersArg } from './job-args.ts'
import { parseCommandArgs } from './parse-command-args.ts'
import { PLAN_FORMATS, PLAN_OPTIONS, type PlanFormat } from './plan-command-options.ts'
import { UsageError } from './usage-error.ts'

/** What `oxiflow plan` was asked to do. */
export interface PlanArgs {
  readonly help: boolean
  /** The module path as given (relative to the current directory). */
  readonly module: string
  readonly workers: number
  readonly params: Record<string, unknown>
  readonly format: PlanFormat
}

const USAGE = 'oxiflow plan <module> [--workers N] [--params JSON] [--format text|json|dot|mermaid]'

/**
 * Parses the arguments after `plan`. Every mistake is a UsageError naming the flag and the fix;
 * `--workers` and `--params` follow the rules of `oxiflow run`.
 *
 * @example
 * parsePlanArgs(['examples/clickstream.ts', '--workers', '2', '--format', 'dot'])
 */
export function parsePlanArgs(argv: readonly string[]): PlanArgs {
  const { values, positionals } = parseCommandArgs(argv, { command: 'plan', options: PLAN_OPTIONS, usage: USAGE })
  if (values.help) return { help: true, module: '', workers: 0, params: {}, format: 'text' }
  if (positionals.length === 0) throw fail(`oxiflow plan needs a module: ${USAGE}, e.g. oxiflow plan examples/clickstream.ts`)
  if (positionals.length > 1) throw fail(`oxiflow plan takes one module, got ${positionals.length}: ${positionals.join(' ')}; quote --params JSON that contains spaces`)
  return { help: false, module: positionals[0]!, workers: workersArg(values.workers, 'plan'), params: paramsArg(values.params, 'plan'), format: format(values.format) }
}

function fail(message: string): UsageError {
  return new UsageError(message, 'plan')
}

function format(raw: string | undefined): PlanFormat {
  if (raw === undefined) return 'text'
  if ((PLAN_FORMATS as readonly string[]).includes(raw)) return raw as PlanFormat
  throw fail(`--format must be one of ${PLAN_FORMATS.join(', ')} (got ${shown(raw)})`)
}
