import { randomUUID } from 'node:crypto'
import type { StateHolder } from '../../persistence/state-holder.ts'
import type { DeclaredState } from '../../runtime/contracts/declared-state.ts'
import type { SinkWriter } from '../../runtime/contracts/sink.ts'
import { OxiflowError } from '../../runtime/errors/oxiflow-error.ts'
import { encodeEach, encodeFailures } from '../sinks/encode-each.ts'

/**
 * What a broker sink's holder snapshots. Every output record has an ordinal (its place in the
 * sink's output since the run started); `pending` holds the encoded records from ordinal
 * `published` on that were not yet known to be published when the barrier passed.
 */
export interface StagedOutputState {
  /** Names the run the ordinals belong to: random on a fresh start, kept by restores. */
  readonly run: string
  readonly published: number
  readonly pending: readonly string[]
}

/**
 * The holder a broker sink's staged output registers in a job that takes checkpoints
 * (`<step>/output`, a StagedOutputState at version 1.0.0), as the broker sinks declare it in
 * `Sink.state`; they build the state id from `name` and the holder takes `version`.
 *
 * @example
 * stagedOutput(`${ctx.step}/${STAGED_OUTPUT.name}`, ctx.checkpointing === true, publish, close)
 */
export const STAGED_OUTPUT: DeclaredState = { name: 'output', version: '1.0.0' }

/** Records a broker sink stages while a commit publishes before its writes wait (see stagedOutput). */
export const STAGE_LIMIT = 16_384

/**
 * Publishes `payloads`, the records of ordinals `first`, `first + 1`, … Publishing an ordinal
 * twice (a replay after a restore) must leave one copy: the publisher derives a dedup id from
 * (run, ordinal) — JetStream's `Nats-Msg-Id`, a Redis high-water mark.
 */
export type OrdinalPublisher = (run: string, first: number, payloads: readonly string[]) => Promise<void>

/**
 * The two-phase-commit core of the broker sinks (exactly-once with checkpoints), the broker
 * counterpart of `stagedFileWriter`. Records are encoded and kept until a checkpoint covering
 * them commits: barrier n snapshots `{ run, published, pending }` (so the pending records are
 * durable in checkpoint n), `commit(n)` publishes them. A restore takes back the snapshot's
 * pending records with their ordinals and publishes them again at the next commit; those that
 * already reached the broker before the crash carry the same (run, ordinal) and are dropped
 * there as duplicates. A restore that went back past a committed checkpoint (`rewound`) takes
 * a new run: what was published since is published again rather than matched by ordinal. Without
 * checkpoints every batch is published at once (at-least-once).
 *
 * At the end of a bounded input the records after the last periodic checkpoint stay staged: the
 * job's last checkpoint (taken once every step ended) snapshots them and its commit publishes
 * them. Published earlier, at `end()`, a crash before that checkpoint committed replayed them
 * from the previous one — on workers in another order across keys, so the same ordinals named
 * other records and the broker dropped the wrong ones. `close()` never publishes: what is staged
 * then is in no committed checkpoint, and a restore emits it again.
 *
 * Memory: the output of one checkpoint interval, and while a commit publishes (the next
 * checkpoint starts only after it) at most `STAGE_LIMIT` records more: past that a write waits
 * for the publish, so the step's input backs up to the source. Without the wait a broker slower
 * than the source (JetStream here: ~10k messages/s) let the source read on for as long as each
 * commit took, and commits took longer each time: 433 MB of RSS for 450k records, and a graceful
 * stop that waited for the whole input to be staged and published. The wait depends only on the
 * publish in progress, never on this step's barrier or on a capture its actor runs, so it cannot
 * hold up the checkpoint it waits for.
 *
 * @example
 * const writer = stagedOutput('out/output', ctx.checkpointing === true, publish, close)
 */
export function stagedOutput<T>(stateId: string, checkpointing: boolean, publish: OrdinalPublisher, release: () => Promise<void>,
  encode: (record: T) => string = (r) => JSON.stringify(r) ?? 'null'): SinkWriter<T> & { stats(): { published: number } } {
  let run: string = randomUUID()
  /** Ordinals below this reached the broker (or were replayed there as duplicates). */
  let published = 0
  /** Taken into a snapshot, not published yet: ordinals published, published + 1, … */
  let staged: string[] = []
  /** Written since the last barrier. */
  let unstaged: string[] = []
  let closed = false
  // Publishing in one chain, in ordinal order.
  let tail: Promise<void> = Promise.resolve()
  /** Commits publishing now. */
  let committing = 0

  const chain = (work: () => Promise<void>): Promise<void> => {
    // A failed publish was reported to its caller (a failed commit is counted and retried by the
    // next one, which publishes everything still staged); it must not block the work after it.
    const next = tail.catch(() => undefined).then(work)
    tail = next
    return next
  }
  const publishStaged = async (count: number): Promise<void> => {
    if (count === 0) return
    await publish(run, published, staged.slice(0, count))
    staged.splice(0, count)
    published += count
  }
  const shut = async (): Promise<void> => {
    if (closed) return
    closed = true
    await release()
  }

  const holder: StateHolder<StagedOutputState> = {
    stateId,
    stateVersion: STAGED_OUTPUT.version,
    snapshot() {
      const pending = staged.concat(unstaged)
      staged = pending
      unstaged = []
      return { run, published, pending }
    },
    restore(state) {
      if (typeof state?.run !== 'string' || !Number.isSafeInteger(state.published) || !Array.isArray(state.pending)) {
        throw new OxiflowError('ERR_STATE_INVALID', `${stateId}: cannot restore broker sink state ${JSON.stringify(state)?.slice(0, 120)}: ` +
          'expected { run, published, pending }; the checkpoint probably belongs to a different sink under the same step name')
      }
      run = state.run
      published = state.published
      staged = [...state.pending]
      unstaged = []
    },
  }

  return {
    write(records) {
      if (records.length === 0) return
      // A record its encode throws for is left out, and the step's onError takes it alone (a
      // batch that failed whole after staging the records before it published those twice on retry).
      const { encoded, failures } = encodeEach(records, encode)
      const bad = encodeFailures(`broker sink (state '${stateId}')`, 'a message', failures)
      if (!checkpointing) {
        const published = chain(async () => { staged.push(...encoded); await publishStaged(staged.length) })
        return bad === undefined ? published : published.then(() => { throw bad })
      }
      for (let i = 0; i < encoded.length; i++) unstaged.push(encoded[i])
      if (bad !== undefined) throw bad
      // Backpressure while a commit publishes (see above): its outcome is the commit's to report.
      if (committing > 0 && unstaged.length >= STAGE_LIMIT) return tail.catch(() => undefined)
    },
    // Checkpoints are taken one at a time, so what is staged now was snapshotted at a barrier ≤ n.
    commit: () => {
      committing++
      return chain(() => publishStaged(staged.length)).finally(() => { committing-- })
    },
    // With checkpoints the job's last checkpoint commits the tail; the connection stays open for it.
    end: () => (checkpointing ? undefined : chain(async () => {
      staged.push(...unstaged.splice(0))
      await publishStaged(staged.length)
      await shut()
    })),
    // Restored from a checkpoint older than one that committed: the replay may bring the records
    // that commit published in another order (on workers), so under this run's ordinals the broker
    // would drop new records as duplicates of other ones. A new run publishes them all again
    // (the restored checkpoint's staged records included): at least once for that stretch.
    rewound() {
      run = randomUUID()
      published = 0
    },
    async close() {
      await tail.catch(() => undefined)
      await shut()
    },
    holders: () => (checkpointing ? [holder] : []),
    stats: () => ({ published }),
  }
}
