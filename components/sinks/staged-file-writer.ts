import { fstatSync, readSync } from 'node:fs'
import { crc32 } from 'node:zlib'
import type { FileHandle } from 'node:fs/promises'
import type { SnapshotCapture } from '../../persistence/snapshot-capture.ts'
import type { StateHolder } from '../../persistence/state-holder.ts'
import type { DeclaredState } from '../../runtime/contracts/declared-state.ts'
import type { SinkWriter } from '../../runtime/contracts/sink.ts'
import { SinkTargetChangedError } from '../../runtime/errors/sink-target-changed-error.ts'
import { encodeFailures, jsonLines } from './encode-each.ts'

/**
 * What the writer's holder snapshots: the file length known durable, what is not in it yet, and
 * (since 1.1.0) the file's absolute path — the target is part of the state a restore continues.
 * `pending` is the bytes themselves since 1.2.0 (UTF-8 text before: decoding and serializing
 * tens of MB of text held the sink at every barrier for up to 0.8 s). `tailCrc32` (since 1.3.0):
 * the crc32 of the file's last TAIL_BYTES bytes before `committedLength` (all of them when fewer)
 * — what the file must still hold there for a restore to continue it.
 */
export interface StagedFileState {
  readonly committedLength: number
  readonly pending: Uint8Array | string
  readonly path?: string
  readonly tailCrc32?: number
}

/**
 * How much of the committed file a restore checks against the checkpoint (its end): another
 * run's output there — a restore of another history, a file rewritten — differs in its last
 * lines, and 64 KiB holds hundreds of them; reading it costs a restore well under a millisecond.
 */
const TAIL_BYTES = 64 * 1024

/**
 * The holder a staged file writer registers (`<step>/output`, a StagedFileState at version
 * 1.3.0), as the jsonl sink declares it in `Sink.state`; the holder takes its id and version from it.
 *
 * @example
 * const sink = { kind: 'sink', description: 'out.jsonl', state: [STAGED_FILE_OUTPUT], open }
 */
export const STAGED_FILE_OUTPUT: DeclaredState = { name: 'output', version: '1.3.0' }

/** The file a staged writer continues: its sink step and absolute path. */
export interface StagedFileTarget {
  readonly step: string
  readonly path: string
}

/**
 * A two-phase-commit file writer (exactly-once output with checkpoints). Lines are kept in
 * memory until a checkpoint that covers them commits: at barrier n the holder snapshots
 * `{ committedLength, pending }` (pending = everything not yet in the file, so it is durable in
 * the checkpoint); when manifest n is written, `commit(n)` appends it and `committedLength`
 * grows. A restore truncates the file to the checkpoint's `committedLength` and appends its
 * pending part — the same bytes whether the crash came before or after that commit's append.
 * A restore whose checkpoint wrote another path, whose file is now shorter than the committed
 * length, or whose file's last 64 KiB before that length are not what the checkpoint committed,
 * is refused (SinkTargetChangedError): cutting back to that length would pad the file with NUL
 * bytes, or cut another run's output (a restore of a checkpoint of another history) mid-line. The input's end writes nothing: the job's end checkpoint commits the last
 * lines like any other. Memory: the output of one checkpoint interval.
 *
 * @example
 * const writer = stagedFileWriter(fh, { step: 'out', path: '/srv/out.jsonl' })
 */
export function stagedFileWriter<T>(fh: FileHandle, target: StagedFileTarget): SinkWriter<T, undefined> {
  let committedLength = 0
  /** The file's last TAIL_BYTES bytes before committedLength (fewer at its start) and their crc32. */
  let tail: Buffer = Buffer.alloc(0)
  let tailCrc32 = crc32(tail)
  /** Segments snapshotted at barriers and not yet committed, oldest first. */
  let staged: Buffer[] = []
  /** Lines since the last barrier. */
  let unstaged: Buffer[] = []
  let closed = false
  // All file work in one chain, in order; the first step sets the file up (fresh or restored).
  let work: Promise<void> | undefined

  const append = async (bytes: Buffer): Promise<void> => {
    for (let off = 0; off < bytes.length;) {
      const { bytesWritten } = await fh.write(bytes, off, bytes.length - off, committedLength + off)
      off += bytesWritten
    }
    await fh.sync()
    committedLength += bytes.length
    tail = bytes.length >= TAIL_BYTES ? Buffer.from(bytes.subarray(bytes.length - TAIL_BYTES))
      : Buffer.concat([tail.subarray(Math.max(0, tail.length + bytes.length - TAIL_BYTES)), bytes])
    tailCrc32 = crc32(tail)
  }
  const chain = (next: () => Promise<void>): Promise<void> => {
    // Before the first write: a fresh start empties the file; a restored one cuts it back to the
    // checkpoint's committed length (its pending part is staged and appended by the next commit).
    work ??= fh.truncate(committedLength)
    work = work.then(next)
    return work
  }
  /** Every segment not in the file yet; those since the last barrier are staged from now on (their list only: segments are never changed). */
  const stageAll = (): Buffer[] => {
    const segments = staged.concat(unstaged)
    staged = segments.slice()
    unstaged = []
    return segments
  }
  const stateOf = (length: number, tailSum: number, segments: readonly Buffer[]): StagedFileState => ({
    committedLength: length, pending: Buffer.concat(segments), path: target.path, tailCrc32: tailSum,
  })

  const holder: StateHolder<StagedFileState> = {
    stateId: `${target.step}/${STAGED_FILE_OUTPUT.name}`,
    stateVersion: STAGED_FILE_OUTPUT.version,
    snapshot() {
      return stateOf(committedLength, tailCrc32, stageAll())
    },
    // At the barrier only the segments' list is taken; their bytes are joined after it and
    // serialized on the encode pool (the joined buffer moves there).
    capture(_checkpointId, since): SnapshotCapture<StagedFileState> | undefined {
      // No changes form: a full snapshot is all it writes (the tracker asks without `since` then).
      if (since !== undefined) return undefined
      const segments = stageAll()
      const length = committedLength
      const tailSum = tailCrc32
      let state: StagedFileState | undefined
      return { step: () => state ??= stateOf(length, tailSum, segments) }
    },
    restore(state) {
      tail = checkTarget(fh, target, state)
      tailCrc32 = crc32(tail)
      // At once, not at the first write: the next snapshot must already count this state (a
      // crash before the next commit restores from that snapshot).
      committedLength = state.committedLength
      const pending = typeof state.pending === 'string' ? Buffer.from(state.pending, 'utf8') : Buffer.from(state.pending)
      staged = pending.length > 0 ? [pending] : []
      unstaged = []
    },
  }

  return {
    write(records) {
      if (records.length === 0) return
      const { text, failures } = jsonLines(records)
      unstaged.push(Buffer.from(text))
      // The lines of the others are staged: the step's onError takes these alone.
      const bad = encodeFailures('jsonl sink', 'JSON', failures)
      if (bad !== undefined) throw bad
    },
    // Checkpoints are taken one at a time, so every segment staged now came at barrier ≤ n.
    commit: () => chain(async () => { if (staged.length > 0) await append(Buffer.concat(staged.splice(0))) }),
    // No end(): the lines since the last checkpoint wait for the checkpoint the job takes at its
    // end, whose commit appends them; written at the end, a crash before that checkpoint committed
    // left the whole output in the file, to be cut back by the restore.
    async close() {
      await work?.catch(() => undefined)
      if (!closed) { closed = true; await fh.close() }
    },
    holders: () => [holder],
  }
}

/**
 * Refuses to continue a checkpoint's file elsewhere, a file cut shorter than what was committed
 * to it, or one whose end before the committed length is not what was committed; returns that end.
 */
function checkTarget(fh: FileHandle, target: StagedFileTarget, state: StagedFileState): Buffer {
  const where = `step '${target.step}' (jsonl sink)`
  // A 1.0.0 state has no path: only its length can be checked.
  if (state.path !== undefined && state.path !== target.path) {
    throw new SinkTargetChangedError(target.step, state.path, target.path,
      `${where}: the checkpoint continues '${state.path}' (${state.committedLength} bytes committed) but the sink now writes '${target.path}'; ` +
      'a restore appends to the file the checkpoint wrote — restore with the old path, or start without restore to write the new file from the start')
  }
  const size = fstatSync(fh.fd).size
  if (size < state.committedLength) {
    throw new SinkTargetChangedError(target.step, target.path, target.path,
      `${where}: '${target.path}' has ${size} bytes but the checkpoint committed ${state.committedLength} bytes to it, ` +
      'so it was cut or replaced outside oxiflow; put the file back as the checkpoint left it, or start without restore to write it from the start')
  }
  const end = Buffer.alloc(Math.min(TAIL_BYTES, state.committedLength))
  for (let off = 0; off < end.length;) {
    const n = readSync(fh.fd, end, off, end.length - off, state.committedLength - end.length + off)
    if (n === 0) break
    off += n
  }
  // A state before 1.3.0 has no checksum: only its length can be checked.
  if (state.tailCrc32 !== undefined && crc32(end) !== state.tailCrc32) {
    throw new SinkTargetChangedError(target.step, target.path, target.path,
      `${where}: '${target.path}' does not hold what the checkpoint committed to it: its last ${end.length} bytes before offset ` +
      `${state.committedLength} differ (another run wrote there since — a restore of a checkpoint of another history — or the file was ` +
      'edited); a restore would cut that output mid-line. Restore a checkpoint of the run that wrote the file (oxiflow checkpoints list), ' +
      'put the file back as the checkpoint left it, or start without restore to write it from the start')
  }
  return end
}
