import { UsageError } from './usage-error.ts'

/**
 * The largest `--workers` this version runs. Worker threads are not built yet, so only 0
 * (every actor on the main thread). Raise this, and drop the refusal below, when they are.
 */
export const MAX_WORKERS = 0

/**
 * Refuses a worker count this version cannot run — the one place that knows the limit.
 *
 * @example
 * checkWorkers(0) // ok; checkWorkers(2) throws a UsageError
 */
export function checkWorkers(workers: number): void {
  if (workers > MAX_WORKERS) {
    throw new UsageError(`--workers ${workers} needs worker threads, which this version does not have yet; use --workers 0`, 'run')
  }
}
