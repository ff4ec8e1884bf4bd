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
