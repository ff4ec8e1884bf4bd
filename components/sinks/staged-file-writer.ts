import { fstatSync } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import type { StateHolder } from '../../persistence/state-holder.ts'
import type { SinkWriter } from '../../runtime/contracts/sink.ts'
import { SinkTargetChangedError } from '../../runtime/errors/sink-target-changed-error.ts'

/**
 * What the writer's holder snapshots: the file length known durable, what is not in it yet, and
 * (since 1.1.0) the file's absolute path — the target is part of the state a restore continues.
 */
export interface StagedFileState {
  readonly committedLength: number
  readonly pending: string
  readonly path?: string
}

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
 * A restore whose checkpoint wrote another path, or whose file is now shorter than the committed
 * length, is refused (SinkTargetChangedError): cutting back to that length would pad the file
 * with NUL bytes. Memory: the output of one checkpoint interval.
 *
 * @example
 * const writer = stagedFileWriter(fh, { step: 'out', path: '/srv/out.jsonl' })
 */
export function stagedFileWriter<T>(fh: FileHandle, target: StagedFileTarget): SinkWriter<T, undefined> {
  let committedLength = 0
  /** Segments snapshotted at barriers and not yet committed, oldest first. */
  let staged: Buffer[] = []
  /** Lines since the last barrier. */
  let unstaged: Buffer[] = []
  let closed = false
  // All file work in one chain, in order; the first step sets the file up (fresh or restored).
  let tail: Promise<void> | undefined

  const append = async (bytes: Buffer): Promise<void> => {
    for (let off = 0; off < bytes.length;) {
      const { bytesWritten } = await fh.write(bytes, off, bytes.length - off, committedLength + off)
      off += bytesWritten
    }
    await fh.sync()
    committedLength += bytes.length
  }
  const chain = (work: () => Promise<void>): Promise<void> => {
    // Before the first write: a fresh start empties the file; a restored one cuts it back to the
    // checkpoint's committed length (its pending part is staged and appended by the next commit).
    tail ??= fh.truncate(committedLength)
    tail = tail.then(work)
    return tail
  }
  const takeAll = (): Buffer => {
    const all = Buffer.concat([...staged, ...unstaged])
    staged = []
    unstaged = []
    return all
  }

  const holder: StateHolder<StagedFileState> = {
    stateId: `${target.step}/output`,
    stateVersion: '1.1.0',
    snapshot() {
      const pending = Buffer.concat([...staged, ...unstaged])
      if (unstaged.length > 0) staged.push(Buffer.concat(unstaged))
      unstaged = []
      return { committedLength, pending: pending.toString('utf8'), path: target.path }
    },
    restore(state) {
      checkTarget(fh, target, state)
      // At once, not at the first write: the next snapshot must already count this state (a
      // crash before the next commit restores from that snapshot).
      committedLength = state.committedLength
      staged = state.pending.length > 0 ? [Buffer.from(state.pending)] : []
      unstaged = []
    },
  }

  return {
    write(records) {
      if (records.length === 0) return
      let text = ''
      for (let i = 0; i < records.length; i++) text += (JSON.stringify(records[i]) ?? 'null') + '\n'
      unstaged.push(Buffer.from(text))
    },
    // Checkpoints are taken one at a time, so every segment staged now came at barrier ≤ n.
    commit: () => chain(async () => { if (staged.length > 0) await append(Buffer.concat(staged.splice(0))) }),
    end: () => chain(async () => {
      const rest = takeAll()
      if (rest.length > 0) await append(rest)
      if (!closed) { closed = true; await fh.close() }
    }),
    async close() {
      await tail?.catch(() => undefined)
      if (!closed) { closed = true; await fh.close() }
    },
    holders: () => [holder],
  }
}

/** Refuses to continue a checkpoint's file elsewhere, or a file cut shorter than what was committed to it. */
function checkTarget(fh: FileHandle, target: StagedFileTarget, state: StagedFileState): void {
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
}
