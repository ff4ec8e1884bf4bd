import type { FileHandle } from 'node:fs/promises'
import type { StateHolder } from '../../persistence/state-holder.ts'
import type { SinkWriter } from '../../runtime/contracts/sink.ts'

/** What the writer's holder snapshots: the file length known durable, and what is not in it yet. */
export interface StagedFileState {
  readonly committedLength: number
  readonly pending: string
}

/**
 * A two-phase-commit file writer (exactly-once output with checkpoints). Lines are kept in
 * memory until a checkpoint that covers them commits: at barrier n the holder snapshots
 * `{ committedLength, pending }` (pending = everything not yet in the file, so it is durable in
 * the checkpoint); when manifest n is written, `commit(n)` appends it and `committedLength`
 * grows. A restore truncates the file to the checkpoint's `committedLength` and appends its
 * pending part — the same bytes whether the crash came before or after that commit's append.
 * Memory: the output of one checkpoint interval.
 *
 * @example
 * const writer = stagedFileWriter(fh, 'out/step')
 */
export function stagedFileWriter<T>(fh: FileHandle, stateId: string): SinkWriter<T> {
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
    stateId,
    stateVersion: '1.0.0',
    snapshot() {
      const pending = Buffer.concat([...staged, ...unstaged])
      if (unstaged.length > 0) staged.push(Buffer.concat(unstaged))
      unstaged = []
      return { committedLength, pending: pending.toString('utf8') }
    },
    restore(state) {
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
