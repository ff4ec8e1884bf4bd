import type { Plan } from './plan.ts'

/**
 * A text that is equal for equal plans: vertices with their steps, parallelism and edges. A
 * worker host compares its own plan's with the coordinator's before it runs anything.
 */
export function planFingerprint(plan: Plan): string {
  return JSON.stringify(plan.vertices.map((v) => [
    v.id, v.parallelism, v.sequenced, v.steps.map((s) => `${s.name}:${s.spec.kind}`),
    v.inputs.map((e) => [e.from.id, e.exchange.kind]),
  ]))
}
