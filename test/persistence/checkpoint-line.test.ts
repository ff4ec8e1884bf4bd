import test from 'ava'
import { checkpointLine } from '../../persistence/checkpoints/checkpoint-line.ts'
import type { CheckpointListing } from '../../persistence/checkpoints/checkpoint-reports.ts'
import type { Manifest } from '../../persistence/checkpoints/manifest.ts'
import { CorruptManifestError } from '../../persistence/checkpoints/corrupt-manifest-error.ts'
import { PipelineCheckpoints } from '../../persistence/checkpoints/pipeline-checkpoints.ts'
import { MemoryStore } from '../../persistence/stores/memory-store.ts'
import { writeCheckpoint } from './checkpoint-fixture.ts'

/** Listings newest first; `previous`: undefined leaves the field out (a manifest written before it existed); 'corrupt': unreadable. */
function listings(tree: Record<number, number | null | undefined | 'corrupt'>): CheckpointListing[] {
  return Object.entries(tree).map(([key, previous]): CheckpointListing => {
    const id = Number(key)
    if (previous === 'corrupt') return { id, ok: false, problem: 'not JSON', error: new CorruptManifestError('p', id, 'k', 'not JSON') }
    const manifest = { checkpointId: id, ...(previous !== undefined && { previous }) } as Manifest
    return { id, ok: true, manifest }
  }).sort((a, b) => b.id - a.id)
}

const line = (l: { ids: ReadonlySet<number>; knownFrom: number }) => ({ ids: [...l.ids].sort((a, b) => a - b), knownFrom: l.knownFrom })

test('checkpointLine follows previous back to the fresh start, across restores', (t) => {
  // 1-2-3-4 (run A); B restored 2: 5, 6; A restored 4: 7; B restored 5: 8.
  const tree = listings({ 1: null, 2: 1, 3: 2, 4: 3, 5: 2, 6: 5, 7: 4, 8: 5 })
  t.deepEqual(line(checkpointLine(tree, 8)), { ids: [1, 2, 5, 8], knownFrom: 0 })
  t.deepEqual(line(checkpointLine(tree, 7)), { ids: [1, 2, 3, 4, 7], knownFrom: 0 })
  t.deepEqual(line(checkpointLine(tree, 6)), { ids: [1, 2, 5, 6], knownFrom: 0 })
  t.deepEqual(line(checkpointLine(tree, 1)), { ids: [1], knownFrom: 0 })
})

test('checkpointLine: a run started fresh begins a line of its own', (t) => {
  t.deepEqual(line(checkpointLine(listings({ 1: null, 2: 1, 3: null, 4: 3 }), 4)), { ids: [3, 4], knownFrom: 0 })
})

test('checkpointLine: below a manifest without previous (written before it existed) nothing is known', (t) => {
  // 1, 2 and 4 written before `previous` existed; 5 restored 2.
  const tree = listings({ 1: undefined, 2: undefined, 4: undefined, 5: 2, 6: 5 })
  t.deepEqual(line(checkpointLine(tree, 4)), { ids: [4], knownFrom: 4 })
  t.deepEqual(line(checkpointLine(tree, 6)), { ids: [2, 5, 6], knownFrom: 2 })
})

test('checkpointLine: below an unreadable manifest or a previous that is gone nothing is known', (t) => {
  const tree = listings({ 1: null, 2: 1, 3: 'corrupt', 4: 3, 6: 5 })
  t.deepEqual(line(checkpointLine(tree, 4)), { ids: [3, 4], knownFrom: 3 })
  t.deepEqual(line(checkpointLine(tree, 6)), { ids: [6], knownFrom: 5 })
  t.deepEqual(line(checkpointLine(tree, 9)), { ids: [], knownFrom: 9 })
})

test('realign leaves the marks below where the line is known as they are', async (t) => {
  // Found from outside: a gap mid-line (5 deleted) marked 1-4, sound ancestors of 6, so damage to
  // 6 started the job fresh; and a manifest without previous (an older version's) took marks off
  // checkpoints that version had marked, making another history's checkpoint a fallback again.
  const cs = new PipelineCheckpoints(new MemoryStore(), 'p')
  const state = [{ stateId: 'src/offsets', state: { offset: 1 } }]
  for (const previous of [null, 1, 2, 3, 4, 5]) await writeCheckpoint(cs, state, { previous })
  await cs.delete(5)
  t.deepEqual(await cs.realign(6), [])
  const old = new PipelineCheckpoints(new MemoryStore(), 'p')
  for (let i = 0; i < 5; i++) await writeCheckpoint(old, state) // no previous: an older version's
  t.deepEqual(await old.realign(undefined), [5, 4, 3, 2, 1]) // that version's fresh start
  await old.store.delete('pipelines/p/checkpoints/0000000005/superseded.json') // it then restored 5 by id
  t.deepEqual(await old.realign(5), [])
  t.deepEqual((await old.list()).filter((c) => c.superseded !== undefined).map((c) => c.id), [4, 3, 2, 1])
})

test('realign marks every checkpoint off the line before it takes a mark off one on it', async (t) => {
  // 1-2-3-4 (run A); run B restored 2 and committed 5. A run then restores 5: 3 and 4 must be
  // marked before 5's mark comes off, or a crash in between leaves 4 (A's) a fallback of B's line.
  const store = new MemoryStore()
  const cs = new PipelineCheckpoints(store, 'p')
  const state = [{ stateId: 'src/offsets', state: { offset: 1 } }]
  for (const previous of [null, 1, 2, 3, 2]) await writeCheckpoint(cs, state, { previous })
  t.deepEqual(await cs.realign(4), [5])
  const failing = new PipelineCheckpoints(Object.assign(Object.create(store) as MemoryStore, {
    delete: () => Promise.reject(new Error('store down')),
  }), 'p')
  await t.throwsAsync(failing.realign(5), { message: 'store down' })
  const marked = (await cs.list()).filter((c) => c.superseded !== undefined).map((c) => c.id)
  t.deepEqual(marked, [5, 4, 3])
  t.deepEqual(await cs.realign(5), [])
  t.deepEqual((await cs.list()).filter((c) => c.superseded !== undefined).map((c) => c.id), [4, 3])
})
