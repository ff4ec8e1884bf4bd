import { availableParallelism } from 'node:os'
import { maxWorkers } from '../runtime/job/run-options.ts'
import { shown } from '../runtime/option-checks.ts'
import { UsageError } from './usage-error.ts'

/**
 * `--workers N` of `oxiflow run` and `oxiflow plan`: a non-negative integer (0 when absent) up
 * to the bound run() checks, so a plan never shows a job that could not start. A mistake is a
 * UsageError of `command` naming the flag and the fix.
 *
 * @example
 * workersArg('2', 'plan') // 2
 */
export function workersArg(raw: string | undefined, command: string): number {
  if (raw === undefined) return 0
  const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN
  if (!Number.isSafeInteger(n)) throw new UsageError(`--workers must be a non-negative integer (got ${shown(raw)})`, command)
  if (n > maxWorkers()) {
    throw new UsageError(`--workers must be at most ${maxWorkers()} (got ${shown(n)}): twice the ${availableParallelism()} cores here, at least 4: ` +
      'each worker thread costs memory (its own heap and copy of the modules, ~15–20 MB more without state) and workers beyond the cores only take turns on them', command)
  }
  return n
}

/**
 * `--params JSON` of `oxiflow run` and `oxiflow plan`: a JSON object ({} when absent).
 *
 * @example
 * paramsArg('{"seconds":2}', 'run') // { seconds: 2 }
 */
export function paramsArg(raw: string | undefined, command: string): Record<string, unknown> {
  if (raw === undefined) return {}
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch (e) {
    throw new UsageError(`--params is not valid JSON (${(e as Error).message}); pass an object in single quotes, ` +
      `e.g. --params '{"seconds":2}'`, command)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`--params must be a JSON object (got ${shown(value)}), e.g. --params '{"seconds":2}'`, command)
  }
  return value as Record<string, unknown>
}
