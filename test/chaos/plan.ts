// The fault plans a chaos pipeline is compared under: uninterrupted on N workers; SIGKILL at a
// random moment; SIGKILL at a named fault point of a checkpoint; a graceful stop (SIGTERM). Each
// interrupted run is followed by `--restore latest` runs (with another worker count when
// rescaling is enabled) until one completes.
import fc from 'fast-check'
import type { FaultPoint } from '../../runtime/checkpoint/fault-point.ts'
import type { Interrupt } from './child-run.ts'
import type { Features } from './features.ts'

/** One planned run: its worker count and what interrupts it (nothing: it must complete). */
export interface RunPlan {
  readonly workers: number
  readonly interrupt?: Interrupt
  /** OXIFLOW_FAULT value, e.g. 'after-manifest:2': the runtime kills itself there. */
  readonly fault?: `${FaultPoint}:${number}`
}

/** A fault plan: its kind (for the counts) and its runs, the last one uninterrupted. */
export interface Plan {
  readonly kind: 'workers' | 'kill' | 'fault' | 'stop'
  readonly runs: readonly RunPlan[]
  /** --checkpoint-interval of every run, ms. */
  readonly interval: number
}

const points: FaultPoint[] = ['before-manifest', 'after-manifest', 'before-commit', 'after-commit']

/**
 * Fault plans (`faults: false`: an uninterrupted run on 1–3 workers); without rescaling every
 * restore uses the interrupted run's worker count.
 */
export function planArb(f: Features, faults = true): fc.Arbitrary<Plan> {
  const workers = fc.integer({ min: 0, max: 3 })
  const next = (w: number) => (f.rescale ? fc.integer({ min: 0, max: 3 }).filter((x) => x !== w) : fc.constant(w))
  const interrupt = (signal: Interrupt['signal']) =>
    // A SIGKILL after checkpoint 0 lands in the start, before any checkpoint (the restore starts
    // fresh); a graceful stop comes once the job runs.
    fc.record({ signal: fc.constant(signal), afterCheckpoints: fc.integer({ min: signal === 'SIGKILL' ? 0 : 1, max: 3 }), delayMs: fc.integer({ min: 0, max: 150 }) })
  const uninterrupted = fc.integer({ min: 1, max: 3 }).map((w): Omit<Plan, 'interval'> => ({ kind: 'workers', runs: [{ workers: w }] }))
  const plans: fc.Arbitrary<Omit<Plan, 'interval'>> = !faults ? uninterrupted : fc.oneof(
    workers.chain((w) => fc.tuple(interrupt('SIGKILL'), next(w), fc.option(interrupt('SIGKILL'), { nil: undefined })).chain(([i, w2, again]) =>
      next(w2).map((w3): Omit<Plan, 'interval'> => ({ kind: 'kill', runs: [{ workers: w, interrupt: i }, ...(again ? [{ workers: w2, interrupt: again }, { workers: w3 }] : [{ workers: w2 }])] })))),
    workers.chain((w) => fc.tuple(fc.constantFrom(...points), fc.integer({ min: 1, max: 3 }), next(w))
      .map(([point, id, w2]): Omit<Plan, 'interval'> => ({ kind: 'fault', runs: [{ workers: w, fault: `${point}:${id}` }, { workers: w2 }] }))),
    workers.chain((w) => fc.tuple(interrupt('SIGTERM'), next(w)).map(([i, w2]): Omit<Plan, 'interval'> => ({ kind: 'stop', runs: [{ workers: w, interrupt: i }, { workers: w2 }] }))),
  )
  // Jobs last ~0.3–1.5 s: intervals short enough that kills and fault points land mid-stream.
  return fc.tuple(plans, fc.constantFrom(50, 100, 150)).map(([p, interval]) => ({ ...p, interval }))
}

/** A plan as one line, e.g. `kill: w2 SIGKILL after checkpoint 2 +40 ms → restore w1`. */
export function describePlan(plan: Plan): string {
  return `${plan.kind}, checkpoints every ${plan.interval} ms: ` + plan.runs.map((r, i) => {
    const what = r.fault ? ` OXIFLOW_FAULT=${r.fault}` : r.interrupt ? ` ${r.interrupt.signal} after checkpoint ${r.interrupt.afterCheckpoints} +${r.interrupt.delayMs} ms` : ''
    return `${i === 0 ? '' : 'restore '}w${r.workers}${what}`
  }).join(' → ')
}
