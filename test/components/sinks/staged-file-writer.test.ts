// The two-phase-commit file writer of the jsonl sink: at a barrier its holder takes only the list
// of pending segments (copy-on-write: segments never change), their bytes joined after it; a
// restore continues from the bytes (1.2.0) or from the text older checkpoints wrote (1.1.0).
import test from 'ava'
import { mkdtemp, open, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stagedFileWriter, type StagedFileState } from '../../../components/sinks/staged-file-writer.ts'
import type { StateHolder } from '../../../persistence/state-holder.ts'

async function writerAt(t: { teardown(f: () => Promise<void>): void }) {
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-staged-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const path = join(dir, 'out.jsonl')
  const fh = await open(path, 'w+')
  const writer = stagedFileWriter<unknown>(fh, { step: 'out', path })
  const holder = writer.holders!()[0] as StateHolder<StagedFileState>
  return { path, writer, holder }
}

const text = (s: StagedFileState): string => (typeof s.pending === 'string' ? s.pending : Buffer.from(s.pending).toString('utf8'))

test('a capture holds what was written before its barrier, not what came after, and the commit appends it', async (t) => {
  const { path, writer, holder } = await writerAt(t)
  await writer.write([{ a: 1 }, { a: 2 }])
  const capture = holder.capture!(1)!
  await writer.write([{ a: 3 }])
  const state = capture.step()!
  t.is(text(state), '{"a":1}\n{"a":2}\n')
  t.true(state.pending instanceof Uint8Array, '1.2.0 writes the bytes')
  // Not committed yet: the next snapshot still holds the barrier's lines, then the later ones.
  t.is(text(holder.snapshot(2)), '{"a":1}\n{"a":2}\n{"a":3}\n')
  await writer.commit!(2)
  await writer.close!()
  t.is(await readFile(path, 'utf8'), '{"a":1}\n{"a":2}\n{"a":3}\n')
})

for (const [version, pending] of [['1.1.0', '{"b":1}\n'], ['1.2.0', Buffer.from('{"b":1}\n')]] as const) {
  test(`a ${version} state (pending as ${typeof pending === 'string' ? 'text' : 'bytes'}) restores: its pending lines are appended, then the new ones`, async (t) => {
    const { path, writer, holder } = await writerAt(t)
    holder.restore({ committedLength: 0, pending, path }, version)
    await writer.write([{ b: 2 }])
    // The end of input writes nothing (the writer has no end()): the checkpoint taken at the end commits it.
    t.is(writer.end, undefined)
    holder.snapshot(1)
    await writer.commit!(1)
    await writer.close!()
    t.is(await readFile(path, 'utf8'), '{"b":1}\n{"b":2}\n')
  })
}

/** Commits `records` one checkpoint per batch into a fresh writer; the file's bytes and the last snapshot. */
async function committed(t: { teardown(f: () => Promise<void>): void }, batches: unknown[][]) {
  const w = await writerAt(t)
  let state: StagedFileState | undefined
  for (const [i, batch] of batches.entries()) {
    await w.writer.write(batch)
    w.holder.snapshot(i + 1)
    await w.writer.commit!(i + 1)
    state = w.holder.snapshot(i + 2)
  }
  await w.writer.close!()
  return { ...w, state: state! }
}

test('1.3.0: a restore continues a file whose end before the committed length is what was committed; the checksum covers its last 64 KiB', async (t) => {
  // 3,000 lines of ~40 bytes: more than 64 KiB, so the checksum covers the last 64 KiB, kept across commits.
  const batches = Array.from({ length: 30 }, (_, b) => Array.from({ length: 100 }, (_, i) => ({ line: b * 100 + i, pad: 'x'.repeat(20) })))
  const first = await committed(t, batches)
  const bytes = await readFile(first.path)
  t.is(first.state.committedLength, bytes.length)
  t.true(bytes.length > 64 * 1024)
  const { crc32 } = await import('node:zlib')
  t.is(first.state.tailCrc32, crc32(bytes.subarray(bytes.length - 64 * 1024)))
  // The same file, restored in a new writer, goes on: its next lines follow.
  const fh = await open(first.path, 'r+')
  const again = stagedFileWriter<unknown>(fh, { step: 'out', path: first.path })
  const holder = again.holders!()[0] as StateHolder<StagedFileState>
  holder.restore(first.state, '1.3.0')
  await again.write([{ next: 1 }])
  holder.snapshot(99)
  await again.commit!(99)
  await again.close!()
  t.is(await readFile(first.path, 'utf8'), bytes.toString('utf8') + '{"next":1}\n')
})

test('1.3.0: a file that holds other bytes before the committed length (another history\'s lines) refuses the restore, untouched', async (t) => {
  const mine = await committed(t, [[{ v: 'A', n: 1 }], [{ v: 'A', n: 2 }]])
  const { writeFile } = await import('node:fs/promises')
  // Another run restored checkpoint 1 and wrote longer lines after it: the file is longer, but its bytes differ.
  const other = '{"v":"A","n":1}\n{"v":"B-with-a-longer-line","n":2}\n'
  await writeFile(mine.path, other)
  const fh = await open(mine.path, 'r+')
  const again = stagedFileWriter<unknown>(fh, { step: 'out', path: mine.path })
  const e = t.throws(() => (again.holders!()[0] as StateHolder<StagedFileState>).restore(mine.state, '1.3.0'))
  await again.close!()
  t.is((e as { code?: string }).code, 'ERR_SINK_TARGET_CHANGED')
  t.regex(e!.message, /does not hold what the checkpoint committed to it: its last 32 bytes before offset 32 differ/)
  t.is(await readFile(mine.path, 'utf8'), other)
  // A 1.2.0 state (no checksum) is checked by its length only, as before.
  const { tailCrc32: _, ...older } = mine.state
  const fh2 = await open(mine.path, 'r+')
  const old = stagedFileWriter<unknown>(fh2, { step: 'out', path: mine.path })
  t.notThrows(() => (old.holders!()[0] as StateHolder<StagedFileState>).restore(older, '1.2.0'))
  await old.close!()
})
