import { describeGraph } from '../runtime/describe/describe-graph.ts'
import type { PipelineGraph } from '../runtime/graph/pipeline-graph.ts'
import { DEFAULT_MAX_KEY_GROUPS } from '../runtime/key-groups/key-group-assignment.ts'
import type { PlanDescription } from '../persistence/plan-description.ts'
import type { CommandOptions } from './command-options.ts'
import { errorText } from './error-text.ts'
import { PLAN_HELP } from './help.ts'
import { loadPipeline } from './load-pipeline.ts'
import { parsePlanArgs } from './plan-args.ts'
import type { PlanFormat } from './plan-command-options.ts'
import { planDot } from './plan-dot.ts'
import { planMermaid } from './plan-mermaid.ts'
import { planText } from './plan-text.ts'
import { UsageError, isUsageError } from './usage-error.ts'

const FORMATTERS: Readonly<Record<PlanFormat, (d: PlanDescription) => string>> = {
  text: planText,
  json: (d) => JSON.stringify(d, null, 2) + '\n',
  dot: planDot,
  mermaid: planMermaid,
}

/**
 * `oxiflow plan <module> [--workers N] [--params JSON] [--format text|json|dot|mermaid]`: loads
 * the module as `oxiflow run` does (a run() at its top level starts nothing) and prints the
 * plan the job would run, without running, opening or connecting to anything. Returns the exit
 * code: 0 printed, 1 the module (or an Oxi's open) threw, 2 usage error or invalid pipeline.
 *
 * @example
 * process.exitCode = await planCommand(['examples/clickstream.ts', '--workers', '2', '--format', 'dot'])
 */
export async function planCommand(argv: readonly string[], options: CommandOptions = {}): Promise<number> {
  let during: string | undefined
  try {
    const args = parsePlanArgs(argv)
    if (args.help) {
      process.stdout.write(PLAN_HELP)
      return 0
    }
    during = `loading ${args.module}`
    const { pipeline } = await loadPipeline(args.module, args.params, process.cwd(), { ownsThread: options.ownsThread === true }, 'plan')
    during = `planning ${args.module}`
    const graph = (pipeline as { graph?: PipelineGraph }).graph
    if (typeof graph?.validate !== 'function') {
      throw new UsageError(`${args.module} exports a pipeline this oxiflow cannot plan (it has no graph: is it built with another oxiflow version?)`, 'plan')
    }
    process.stdout.write(FORMATTERS[args.format](describeGraph(graph, { workers: args.workers, maxKeyGroups: DEFAULT_MAX_KEY_GROUPS })))
    return 0
  } catch (e) {
    process.stderr.write(errorText(e, process.env.OXIFLOW_DEBUG === '1', isUsageError(e) ? undefined : during))
    const code = (e as { code?: string } | null)?.code
    return isUsageError(e) || code === 'ERR_PIPELINE_DEFINITION' || code === 'ERR_INVALID_OPTION' ? 2 : 1
  }
}
