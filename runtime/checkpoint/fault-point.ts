/** The moments of a checkpoint where a crash is most dangerous (what crash tests aim at). */
export type FaultPoint = 'before-manifest' | 'after-manifest' | 'before-commit' | 'after-commit'

/**
 * Crash-test hook: with `OXIFLOW_FAULT=<point>:<checkpointId>` in the environment, the process
 * kills itself with SIGKILL at that point of that checkpoint, so every dangerous moment is hit
 * on every test run (random kills alone reach them only by chance). Inert otherwise.
 *
 * @example
 * OXIFLOW_FAULT=after-manifest:3 oxiflow run job.ts --store .oxiflow --checkpoint-interval 50
 */
export function faultPoint(point: FaultPoint, checkpointId: number): void {
  if (process.env.OXIFLOW_FAULT === `${point}:${checkpointId}`) process.kill(process.pid, 'SIGKILL')
}
