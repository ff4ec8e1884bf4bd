/** The moments of a checkpoint where a crash is most dangerous (what crash tests aim at). */
export type FaultPoint = 'before-manifest' | 'after-manifest' | 'before-commit' | 'after-commit'

/**
 * Crash-test hook: with `OXIFLOW_FAULT=<point>:<checkpointId>` in the environment, the process
 * kills itself with SIGKILL at that point of that checkpoint, so every dangerous moment is hit
 * on every test run (random kills alone reach them only by chance). `<point>:end` aims at the
 * checkpoint a job takes at its end (`last`), whatever its id. Inert otherwise.
 *
 * @example
 * OXIFLOW_FAULT=after-manifest:3 oxiflow run job.ts --store .oxiflow --checkpoint-interval 50
 */
export function faultPoint(point: FaultPoint, checkpointId: number, last = false): void {
  const fault = process.env.OXIFLOW_FAULT
  if (fault === `${point}:${checkpointId}` || (last && fault === `${point}:end`)) process.kill(process.pid, 'SIGKILL')
}
