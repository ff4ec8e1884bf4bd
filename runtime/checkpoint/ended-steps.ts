import type { EndedStep } from '../../persistence/checkpoints/manifest.ts'
import type { Vertex } from '../plan/plan.ts'

/**
 * One instance that had ended (input exhausted, end run) before a checkpoint's barrier, as its
 * host reports it: the steps of its chain, its index and its vertex's parallelism. Plain data.
 *
 * @example
 * const e: EndedInstance = { steps: ['a', 'tag'], index: 0, parallelism: 1 }
 */
export interface EndedInstance {
  readonly steps: readonly string[]
  readonly index: number
  readonly parallelism: number
}

/**
 * Joins the hosts' reports into the manifest's `ended`: by step, the instances that had ended.
 *
 * @example
 * endedSteps([{ steps: ['a'], index: 0, parallelism: 1 }]) // { a: { parallelism: 1, instances: [0] } }
 */
export function endedSteps(reports: readonly EndedInstance[]): Record<string, EndedStep> {
  const out: Record<string, EndedStep> = {}
  for (const r of reports) {
    for (const step of r.steps) (out[step] ??= { parallelism: r.parallelism, instances: [] }).instances.push(r.index)
  }
  for (const e of Object.values(out)) e.instances.sort((a, b) => a - b)
  return out
}

/**
 * Whether instance `index` of `vertex` had ended in the checkpoint a job restores, so that it
 * must not read again nor run its end again — only tell its receivers that it ended. Every step
 * of its chain must have ended (a plan that chains steps differently than the one that took the
 * checkpoint may join an ended step with a live one: that instance runs on). With another
 * parallelism instance numbers do not carry over: a step counts as ended only when all its old
 * instances had (then no new instance has anything left to read or receive); a step partly
 * ended runs on, and each new instance ends once (an ended split's position says that nothing
 * is left to read in it).
 *
 * @example
 * if (endedBefore(manifest.ended, inst.vertex, inst.index)) inst.source?.restoreEnded()
 */
export function endedBefore(ended: Readonly<Record<string, EndedStep>> | undefined, vertex: Vertex, index: number): boolean {
  if (!ended) return false
  return vertex.steps.every((s) => {
    const e = ended[s.name]
    if (!e) return false
    return e.parallelism === vertex.parallelism ? e.instances.includes(index) : e.instances.length === e.parallelism
  })
}
