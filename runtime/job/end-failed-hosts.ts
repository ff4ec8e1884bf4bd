import type { Host } from '../host/host.ts'
import { within } from '../within.ts'
import type { HostFigures } from './host-figures.ts'

/** How long a failed attempt's hosts get to end before the failure is reported anyway. */
const FAILED_CLOSE_GRACE_MS = 5_000
/** The same after a graceful stop that ran past stopTimeout: the stop's own time is spent already. */
const STOP_LIMIT_CLOSE_GRACE_MS = 1_000

/**
 * Ends a failed attempt's hosts: keeps their last figures, stops them hard and closes them, all
 * within one grace. Bounded as a whole: a reader whose close waits for a read that never settles
 * (a stuck async iterable, a FIFO) or a worker whose thread does not answer must not keep the
 * failure from being reported. After a stop's limit the grace is short — stopTimeout is spent
 * already, and 5 s more made a 1 s stopTimeout fail 6 s after stop(). Errors are dropped: the
 * failure is what the caller needs to see.
 *
 * @example
 * await endFailedHosts(hosts, figures, e, e === stopLimit.error)
 */
export async function endFailedHosts(hosts: readonly Host[], figures: HostFigures, error: unknown, stopLimitPassed: boolean): Promise<void> {
  const end = async (): Promise<void> => {
    await figures.refresh(hosts)
    await Promise.all(hosts.map(async (h) => {
      try { await h.cancel(error) } catch { /* the host is already gone; closing below ends it */ }
      try { await h.close() } catch { /* the first failure is what the caller needs to see */ }
    }))
  }
  await within(end(), stopLimitPassed ? STOP_LIMIT_CLOSE_GRACE_MS : FAILED_CLOSE_GRACE_MS)
}
