/**
 * True when process `pid` exists on this host: signal 0 probes without signalling. EPERM means
 * it exists but belongs to another user; ESRCH that it is gone.
 *
 * @example
 * pidAlive(process.pid) // true
 */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false // kill(0 or -n) would signal process groups
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}
