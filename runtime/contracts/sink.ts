import type { Clock } from '../clock.ts'
import type { StateHolder } from '../../persistence/state-holder.ts'
import type { DeclaredState } from './declared-state.ts'

/** What a sink writer is given when it opens. */
export interface SinkContext {
  readonly pipelineId: string
  readonly step: string
  readonly clock: Clock
  /**
   * True when the job takes checkpoints: a transactional sink then stages output until
   * `commit(n)` (exactly-once); otherwise it may write at once.
   */
  readonly checkpointing?: boolean
}

/**
 * One open sink instance. Writes arrive one batch at a time, in order. `R` is what `result()`
 * gives, which the job summary carries as `results[step]`.
 *
 * @example
 * const writer: SinkWriter<number, number> = { write(rs) { total += rs.length }, result: () => total }
 */
export interface SinkWriter<T, R = unknown> {
  /** Writes a batch; a returned promise holds back the next batch (backpressure). */
  write(records: readonly T[]): void | Promise<void>
  /** The input is exhausted: flush everything. */
  end?(): void | Promise<void>
  /** The job stopped or failed: release resources; no write follows. */
  close?(): void | Promise<void>
  /**
   * Two-phase commit: checkpoint `checkpointId` is committed (its manifest is written), so what
   * this sink staged up to that checkpoint's barrier (in its holder's snapshot) may now become
   * visible. Called once per committed checkpoint, in order.
   */
  commit?(checkpointId: number): void | Promise<void>
  /**
   * After its holders were restored from a checkpoint older than one that committed (a restore
   * that skipped a damaged newest checkpoint, or one asked for by id): what this sink made
   * visible after the restored checkpoint cannot be assumed to come again the same way (on
   * workers the records of several instances interleave differently). A sink that cannot take
   * back what it published must not drop a record as a duplicate of what was published then;
   * a sink that rewinds its target (`sinks.jsonl`) needs nothing here.
   */
  rewound?(): void
  /**
   * A value the job summary carries under this sink's step name (e.g. collected records). With
   * `parallelism` above 1 the instances' array results are concatenated, and other results
   * become an array of them, in instance order.
   */
  result?(): R
  holders?(): StateHolder[]
}

/**
 * Where records leave the pipeline. `R` is the result one writer gives (`SinkWriter.result`),
 * typed into `summary.results[step]`; `undefined` for a sink that keeps nothing.
 *
 * @example
 * const log: Sink<unknown, undefined> = { kind: 'sink', description: 'log', state: [], open: () => ({ write: (rs) => { for (const r of rs) console.log(r) } }) }
 */
export interface Sink<T, R = unknown> {
  readonly kind: 'sink'
  readonly description: string
  /**
   * True when the sink's output takes one writer per job (a file): a step giving it parallelism
   * above 1, or a second step writing to the same sink object, is refused before the job runs.
   */
  readonly singleWriter?: boolean
  /** The file it writes, when it writes one (as given): a pipeline that also reads that file is refused. */
  readonly file?: string
  /**
   * True when its writers may run on a worker thread: they need nothing of the main thread (they
   * write to a file or a broker, and `result()`, if any, is plain data). With workers, a step of
   * this sink then runs on a worker — fused into the actor of the step before it when their
   * parallelism is the same — so its records do not cross to the main thread. Otherwise (the
   * default: `collect()`, whose records reach the caller as they are, `console()`) a sink with one
   * instance runs on the main thread.
   *
   * @example
   * const counted: Sink<unknown> = { kind: 'sink', description: 'count', workerSafe: true, open: () => ({ write() {} }) }
   */
  readonly workerSafe?: boolean
  /**
   * The state holders each writer it opens in a job that takes checkpoints
   * (`ctx.checkpointing`) will register (`SinkWriter.holders`), declared so that a plan can
   * describe the sink's state and its restore levels without opening it (`p.plan()` opens
   * nothing). A plan describes the state a checkpoint holds, so a sink that stages output only
   * with checkpoints declares that output (without checkpoints it holds none, and nothing is
   * checkpointed anyway). `[]`: its writers hold no state. Absent: not known before opening —
   * the plan then describes the step without state, says so in its `stateNote`, and leaves the
   * step out of the restore levels (a run still restores it: the declaration only informs the plan).
   *
   * @example
   * const OUTPUT = { name: 'output', version: '1.0.0' } // the writer's holder: `${ctx.step}/output`, '1.0.0'
   * const staged: Sink<string> = { kind: 'sink', description: 'staged', state: [OUTPUT], open: (ctx) => openStaged(ctx) }
   */
  readonly state?: readonly DeclaredState[]
  open(ctx: SinkContext): SinkWriter<T, R> | Promise<SinkWriter<T, R>>
}
