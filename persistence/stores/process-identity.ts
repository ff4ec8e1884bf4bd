import { readFileSync, readlinkSync } from 'node:fs'

let bootId: string | undefined | null = null

/**
 * Who process `pid` of this host is, beyond its number: `<boot id>/<start time>` (the kernel's
 * boot id and field 22 of /proc/<pid>/stat, the start in clock ticks since boot). A pid is
 * reused by another process after its holder dies, and a runner that is PID 1 in a container
 * has the same pid in every life of the container; the pair tells those apart. Undefined where
 * /proc cannot be read (not Linux, or the process is gone): callers then fall back to the pid.
 *
 * @example
 * processIdentity(process.pid) // '3f0c…-…/48213'
 */
export function processIdentity(pid: number): string | undefined {
  if (bootId === null) bootId = readProc('/proc/sys/kernel/random/boot_id')?.trim()
  if (bootId === undefined || !Number.isInteger(pid) || pid <= 0) return undefined
  const stat = readProc(`/proc/${pid}/stat`)
  if (stat === undefined) return undefined
  // Field 2 is the command in parentheses and may itself hold spaces or ')': fields after the
  // last ')' are plain. Field 3 (state) is the first of them, so field 22 is the 20th.
  const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
  return start !== undefined && /^\d+$/.test(start) ? `${bootId}/${start}` : undefined
}

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined // no /proc (macOS), or the process exited: the caller falls back to the pid
  }
}

let ownNamespace: string | undefined | null = null

/**
 * This process's PID namespace (the inode of /proc/self/ns/pid, e.g. '4026531836'), read once;
 * undefined where /proc cannot be read. Two processes of one host whose PID namespaces differ
 * (containers sharing a hostname and a volume: two containers of one pod, `--network host`)
 * cannot see each other's pids: a pid recorded by one names another process, or none, in the
 * other's /proc — so neither may judge the other's leases or locks by its pid.
 *
 * @example
 * ownPidNamespace() // '4026531836'
 */
export function ownPidNamespace(): string | undefined {
  if (ownNamespace === null) {
    try {
      ownNamespace = /^pid:\[(\d+)\]$/.exec(readlinkSync('/proc/self/ns/pid'))?.[1]
    } catch {
      ownNamespace = undefined // no /proc (macOS): judged by host and pid, as before
    }
  }
  return ownNamespace
}
