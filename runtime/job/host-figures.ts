import type { Host, InstanceStats } from '../host/host.ts'
import { within } from '../within.ts'

/**
 * The instance figures of a job's hosts, kept across attempts: the current hosts' last
 * answers, plus the figures of the hosts of failed attempts (their work counts, replays
 * included). A worker host's figures cost it a message, so they are fetched at most every
 * 100 ms however often `current` is called.
 *
 * @example
 * const figures = new HostFigures(); await figures.refresh(hosts); stepTotals(plan, figures.current(hosts, true))
 */
export class HostFigures {
  private readonly stats = new Map<Host, InstanceStats[]>()
  /** Figures of the hosts of failed attempts. */
  private earlier: InstanceStats[] = []
  private lastRemoteFetch = -Infinity

  /**
   * This thread's figures now; a worker host's as last fetched (each call fetches anew, so a
   * caller polling metrics() sees them at most one call behind). Once the job `ended`, a host
   * that answered keeps its last figures.
   */
  current(hosts: readonly Host[], ended: boolean): InstanceStats[] {
    const out: InstanceStats[] = []
    const fetchRemote = performance.now() - this.lastRemoteFetch >= 100
    if (fetchRemote) this.lastRemoteFetch = performance.now()
    for (const h of hosts) {
      if (!ended || !this.stats.has(h)) {
        const s = fetchRemote || !h.remote ? h.stats() : undefined
        if (s instanceof Promise) s.then((v) => this.stats.set(h, v), () => {})
        else if (s !== undefined) this.stats.set(h, s)
      }
      out.push(...(this.stats.get(h) ?? []))
    }
    return this.earlier.length === 0 ? out : [...this.earlier, ...out]
  }

  /** Fresh figures of every host for the stall detector; a host that does not answer within `waitMs` keeps its last ones. */
  async sample(hosts: readonly Host[], waitMs = 2_000): Promise<{ stats: InstanceStats[]; complete: boolean }> {
    let complete = true
    if (hosts.some((h) => h.remote)) this.lastRemoteFetch = performance.now() // current() need not ask again at once
    const parts = await Promise.all(hosts.map(async (h) => {
      const answer = await within(h.stats(), waitMs).catch(() => undefined)
      if (answer === undefined) { complete = false; return this.stats.get(h) ?? [] }
      this.stats.set(h, answer)
      return answer
    }))
    return { stats: parts.flat(), complete }
  }

  /** The figures as last answered, failed attempts' included; fetches nothing. */
  latest(hosts: readonly Host[]): InstanceStats[] {
    const out = [...this.earlier]
    for (const h of hosts) out.push(...(this.stats.get(h) ?? []))
    return out
  }

  /** Fetches every host's figures now. */
  async refresh(hosts: readonly Host[]): Promise<void> {
    await Promise.all(hosts.map(async (h) => {
      try { this.stats.set(h, await h.stats()) } catch { /* a host that is closing keeps its last figures */ }
    }))
  }

  /**
   * The hosts of a failed attempt: their figures stay in the totals; the new hosts count from
   * zero. Their splits' byte totals go: progress is the next attempt's, from its restored position.
   */
  retire(hosts: readonly Host[]): void {
    const retired = (s: InstanceStats): InstanceStats => ({ ...s, queueDepth: 0, ...(s.read && { read: { ...s.read, bytesTotal: undefined } }) })
    this.earlier.push(...hosts.flatMap((h) => (this.stats.get(h) ?? []).map(retired)))
    for (const h of hosts) this.stats.delete(h)
  }
}
