import { readFileSync } from 'node:fs'

/**
 * True when process `pid` exists on this host and has not exited: signal 0 probes without
 * signalling (EPERM means it exists but belongs to another user; ESRCH that it is gone), and a
 * zombie — exited, waiting for its parent to reap it (state Z or X in /proc/<pid>/stat) — counts
 * as dead: a SIGKILLed runner whose parent has not waited for it yet holds nothing any more, and
 * its lease must not be refused for the TTL (it was, ~14 s).
 *
 * @example
 * pidAlive(process.pid) // true
 */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false // kill(0 or -n) would signal process groups
  try {
    process.kill(pid, 0)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  return !exited(pid)
}

/** The process has exited but is not reaped yet. Where /proc is absent (macOS) nothing tells: alive. */
function exited(pid: number): boolean {
  let stat: string
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
  } catch {
    return false
  }
  // "pid (comm) S ...": comm may hold spaces and parentheses, so the state follows the last ')'.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
  return state === 'Z' || state === 'X'
}
