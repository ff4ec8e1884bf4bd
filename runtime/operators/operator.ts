import type { StateHolder } from '../../persistence/state-holder.ts'
import type { Clock } from '../clock.ts'
import type { FailureHandler } from '../host/failure-handler.ts'
import type { StepNode } from '../graph/step-spec.ts'
import type { Maybe } from '../maybe.ts'
import type { SideOutlet } from '../plan/side-output-steps.ts'
import type { StepCounters } from '../host/step-counters.ts'

/** Where a step sends its output: the next operator of the chain, or the actor's router. */
export interface Output {
  batch(records: readonly unknown[]): Maybe<void>
  watermark(time: number): Maybe<void>
  /** `final`: the input is exhausted (fire what is open); otherwise the job is stopping. */
  end(final: boolean): Maybe<void>
}

/** One step's instance inside an actor's chain. */
export interface Operator extends Output {
  open?(): Maybe<void>
  /** Releases resources; no call follows. Runs at the end, on stop and on failure. */
  close?(): Maybe<void>
  holders?(): StateHolder[]
  /** Checkpoint `checkpointId` is committed: a sink publishes what it staged up to its barrier. */
  commit?(checkpointId: number): Maybe<void>
  /** A restore went back past a committed checkpoint (see `SinkWriter.rewound`). */
  rewound?(): void
  /** A sink's result, carried in the job summary under the step's name. */
  result?(): unknown
}

/** What an operator instance is given by its actor. */
export interface OperatorContext {
  readonly pipelineId: string
  readonly step: StepNode
  readonly instance: number
  readonly parallelism: number
  readonly maxKeyGroups: number
  readonly clock: Clock
  readonly counters: StepCounters
  readonly failures: FailureHandler
  /** A window step with `.lateTo`: its vertex's side edge into the late sink's step (see `sideOutputSteps`). */
  readonly lateRecords?: SideOutlet
  /** Runs `fn` inside the actor's mailbox (one message at a time) after `ms` on the job clock. */
  setTimer(ms: number, fn: () => Maybe<void>): () => void
}

/** The position of the i-th record (0-based) of a batch whose first record is input record `base + 1`. */
export function inputOffset(base: number, i: number): string {
  return `input record ${base + i + 1}`
}
