import { isUsageError } from './usage-error.ts'

/**
 * Error codes the CLI exits 2 for, beside UsageError: the command line is wrong, not the job or
 * the store. Orphaned state is refused before anything ran and is fixed on the command line (a
 * name or a flag); an invalid pipeline definition (a duplicate or bad step name, an option outside
 * its rule) means the module given is not a runnable pipeline, as a module without one is; and a
 * bad value: a store URL no store takes, or a pipeline, checkpoint id or step the store does not
 * have.
 */
const USAGE_CODES = new Set(['ERR_NON_RESTORED_STATE', 'ERR_KEY_GROUPS_CHANGED', 'ERR_PIPELINE_DEFINITION', 'ERR_INVALID_OPTION', 'ERR_INVALID_STORE_URL',
  'ERR_CHECKPOINT_NOT_FOUND', 'ERR_PIPELINE_UNKNOWN', 'ERR_STEP_NOT_IN_CHECKPOINT'])

/**
 * The exit code of a command that failed with `e`, as the README's table says: 2 for a usage
 * error, 3 when another runner holds the pipeline's lease, 1 otherwise (the job or the store failed).
 *
 * @example
 * process.exitCode = exitCodeOf(new UsageError('unknown flag --wokers', 'run')) // 2
 */
export function exitCodeOf(e: unknown): number {
  const code = (e as { code?: string } | null)?.code
  if (isUsageError(e) || (code !== undefined && USAGE_CODES.has(code))) return 2
  return code === 'ERR_LEASE_HELD' ? 3 : 1
}
