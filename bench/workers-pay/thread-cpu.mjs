// CPU time of this process's threads (Linux: /proc/self/task/<tid>/stat), split three ways:
// this (main) thread; threads started since the first sample — the job's worker threads; and the
// others that were already there — V8's platform threads (concurrent and parallel garbage
// collection, JIT compilation) and libuv's pool. A thread that exits is counted up to its last
// sample, so sample every few ms while the job runs. Elsewhere than Linux, split() is undefined.
import { readdirSync, readFileSync } from 'node:fs'

const TICK_MS = 10 // USER_HZ = 100 on Linux

export class ThreadCpu {
  #first = new Map()
  #last = new Map()
  #ok = true

  constructor() {
    this.sample()
    for (const [tid, ms] of this.#last) this.#first.set(tid, ms)
  }

  sample() {
    if (!this.#ok) return
    let tids
    try { tids = readdirSync('/proc/self/task') } catch { this.#ok = false; return }
    for (const tid of tids) {
      try {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
        this.#last.set(tid, (Number(fields[11]) + Number(fields[12])) * TICK_MS)
      } catch { /* exited between the listing and the read */ }
    }
  }

  /** CPU ms since construction: { main, workers, others }; undefined where /proc is missing. */
  split() {
    if (!this.#ok) return undefined
    const out = { main: 0, workers: 0, others: 0 }
    for (const [tid, ms] of this.#last) {
      const used = ms - (this.#first.get(tid) ?? 0)
      if (tid === String(process.pid)) out.main += used
      else if (this.#first.has(tid)) out.others += used
      else out.workers += used
    }
    return out
  }
}
