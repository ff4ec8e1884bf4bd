import { setTimeout as sleep } from 'node:timers/promises'

/**
 * Runs `attempt` until it succeeds, waiting 50 ms, 100 ms, … (at most 1 s) between tries, and
 * gives up with the last error once `forMs` have passed — a broker restarted within that time
 * is a pause, not a failure. Re-running `attempt` must be safe (idempotent publishes).
 *
 * @example
 * await retryUntil(() => js.publish(subject, data, { msgID }), 60_000)
 */
export async function retryUntil<T>(attempt: () => Promise<T>, forMs: number): Promise<T> {
  const deadline = Date.now() + forMs
  for (let wait = 50; ; wait = Math.min(wait * 2, 1000)) {
    try {
      return await attempt()
    } catch (e) {
      if (Date.now() + wait > deadline) throw e
      await sleep(wait)
    }
  }
}
