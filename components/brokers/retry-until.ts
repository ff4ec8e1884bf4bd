import { setTimeout as sleep } from 'node:timers/promises'

/**
 * Runs `attempt` until it succeeds, waiting 50 ms, 100 ms, … (at most 1 s) between tries, and
 * gives up with the last error once `forMs` have passed — a broker restarted within that time
 * is a pause, not a failure. An error `permanent` says yes to (a server's refusal, not an
 * outage) is thrown at once. Re-running `attempt` must be safe (idempotent publishes).
 *
 * @example
 * await retryUntil(() => js.publish(subject, data, { msgID }), 60_000)
 */
export async function retryUntil<T>(attempt: () => Promise<T>, forMs: number, permanent: (e: unknown) => boolean = () => false): Promise<T> {
  const deadline = Date.now() + forMs
  for (let wait = 50; ; wait = Math.min(wait * 2, 1000)) {
    try {
      return await attempt()
    } catch (e) {
      if (permanent(e) || Date.now() + wait > deadline) throw e
      await sleep(wait)
    }
  }
}
