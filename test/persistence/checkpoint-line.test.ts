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

const sorted = (s: Set<number>) => [...s].sort((a, b) => a - b)

test('checkpointLine follows previous back to the fresh start, across restores', (t) => {
  // 1-2-3-4 (run A); B restored 2: 5, 6; A restored 4: 7; B restored 5: 8.
  const tree = listings({ 1: null, 2: 1, 3: 2, 4: 3, 5: 2, 6: 5, 7: 4, 8: 5 })
  t.deepEqual(sorted(checkpointLine(tree, 8)), [1, 2, 5, 8])
  t.deepEqual(sorted(checkpointLine(tree, 7)), [1, 2, 3, 4, 7])
  t.deepEqual(sorted(checkpointLine(tree, 6)), [1, 2, 5, 6])
  t.deepEqual(sorted(checkpointLine(tree, 1)), [1])
})

test('checkpointLine: a run started fresh begins a line of its own', (t) => {
  t.deepEqual(sorted(checkpointLine(listings({ 1: null, 2: 1, 3: null, 4: 3 }), 4)), [3, 4])
})

test('checkpointLine: manifests without previous continue the committed checkpoint below them', (t) => {
  // 1, 2 and 4 written before `previous` existed (3 deleted by retention); 5 restored 2.
  const tree = listings({ 1: undefined, 2: undefined, 4: undefined, 5: 2, 6: 5 })
  t.deepEqual(sorted(checkpointLine(tree, 4)), [1, 2, 4])
  t.deepEqual(sorted(checkpointLine(tree, 6)), [1, 2, 5, 6])
})

test('checkpointLine stops at an unreadable manifest and at a previous that is gone', (t) => {
  const tree = listings({ 1: null, 2: 1, 3: 'corrupt', 4: 3, 6: 5 })
  t.deepEqual(sorted(checkpointLine(tree, 4)), [3, 4])
  t.deepEqual(sorted(checkpointLine(tree, 6)), [6])
  t.deepEqual(sorted(checkpointLine(tree, 9)), [])
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
