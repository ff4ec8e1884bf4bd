import type { Clock } from '../clock.ts'
import type { StateHolder } from '../../persistence/state-holder.ts'
import type { DeclaredState } from './declared-state.ts'

/** What a source reader is given when it opens. */
export interface SourceContext {
  readonly pipelineId: string
  readonly step: string
  /** Which share of a splittable source this reader reads; `{ index: 0, count: 1 }` otherwise. */
  readonly split: { readonly index: number; readonly count: number }
  readonly clock: Clock
  /** Aborted when the job stops: a reader waiting for input should give up. */
  readonly signal: AbortSignal
  /**
   * Hands a record the reader could not read to the step's error policy: throws under
   * `'fail'`, counts it under `'skip'`, sends it to the dead-letter sink under `{ deadLetter }`.
   * `error` should say the position (e.g. a RecordParseError).
   */
  reject(error: Error, offset: string, raw: unknown): void
}

/** One open reading position of a source. */
export interface SourceReader<T> {
  /**
   * Reads up to `max` records (at least one, unless the input is exhausted: then `undefined`).
   * May return a promise when input is not ready yet; it is called only when downstream has credit.
   */
  read(max: number): readonly T[] | undefined | Promise<readonly T[] | undefined>
  /** Where the next read starts, as plain data (a checkpoint stores it). */
  position(): unknown
  /** Bytes of input consumed so far (a file source: the bytes of the chunks read), for the run record; absent when the source has no bytes. */
  bytesRead?(): number
  /**
   * Bytes this reader's split will have read by its end, in the unit of `bytesRead` (so the
   * runtime can show progress and time left: `metrics().steps[name].progress`). A reader that
   * cannot know it — unbounded input, a stream, compressed input whose size after decompression
   * is unknown — leaves it out. It may be an estimate while reading (bytesRead so far plus what
   * is left, at nominal sizes) but must equal `bytesRead()` once the input is exhausted.
   */
  bytesTotal?(): number
  /**
   * Records skipped so far to reach a restored position, by a reader that restores by reading its
   * input again (within a read): the stall detector counts them as progress, so a long skip is not
   * taken for a read that never returns.
   */
  skipped?(): number
  /**
   * Checkpoint `checkpointId` is committed (its manifest is written): the position this reader
   * had at that checkpoint's barrier (its holder's last snapshot) is now durable, so the reader
   * may tell its input, e.g. acknowledge up to there on a broker. Called once per committed
   * checkpoint, in order, after the sinks committed; never before the commit.
   */
  commit?(checkpointId: number): void | Promise<void>
  /** Releases files and connections; called once, at the end or on stop. */
  close?(): void | Promise<void>
  holders?(): StateHolder[]
}

/**
 * A pull-based source of records: the runtime opens a reader and pulls batches from it only
 * while downstream has credit, so memory is bounded by channel capacity, not input size.
 *
 * @example
 * const numbers: Source<number> = { kind: 'source', description: 'numbers', bounded: true, state: [], open: () => ({ read: () => undefined, position: () => 0 }) }
 */
export interface Source<T> {
  readonly kind: 'source'
  /** Short text for messages and the CLI, e.g. `jsonl(data/in.jsonl)`. */
  readonly description: string
  /** True when the input ends (batch job); false for unbounded input. */
  readonly bounded: boolean
  /**
   * True when the source can be read by several instances at once (a file): instance i of P is
   * opened with `ctx.split = { index: i, count: P }` and reads its share. Otherwise one instance.
   */
  readonly splittable?: boolean
  /** The file it reads, when it reads one (as given): a pipeline whose sink writes that file is refused. */
  readonly file?: string
  /**
   * The state holders each reader it opens will register (`SourceReader.holders`), declared so
   * that a plan can describe the source's state and its restore levels without opening it
   * (`p.plan()` opens nothing). `[]`: its readers hold no state. Absent: not known before
   * opening — the plan then describes the step without state, says so in its `stateNote`, and
   * leaves the step out of the restore levels (a run still restores it: the declaration only
   * informs the plan). Must be what every reader registers, whatever `ctx` it is opened with.
   *
   * @example
   * const POSITION = { name: 'position', version: '1.0.0' } // the reader's holder: `${ctx.step}/position`, '1.0.0'
   * const counted: Source<number> = { kind: 'source', description: 'counted', bounded: true, state: [POSITION], open: (ctx) => openCounted(ctx) }
   */
  readonly state?: readonly DeclaredState[]
  open(ctx: SourceContext): SourceReader<T> | Promise<SourceReader<T>>
}
