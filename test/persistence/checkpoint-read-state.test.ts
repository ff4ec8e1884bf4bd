import test from 'ava'
import type { CodecName } from '../../persistence/codec/codec-name.ts'
import { PipelineCheckpoints as CheckpointStore } from '../../persistence/checkpoints/pipeline-checkpoints.ts'
import { MemoryStore } from '../../persistence/stores/memory-store.ts'
import { writeCheckpoint } from './checkpoint-fixture.ts'

const state = {
  counts: new Map<string, bigint>([['user-1', 12345678901234567890n], ['user-2', -1n]]),
  seen: new Set(['a', 'b', 'c']),
  nested: new Map([[1, new Set([2n, 3n])]]),
  bytes: new Uint8Array([1, 2, 3]),
  list: [1.5, 'x', null, { deep: [true] }],
}

for (const codec of ['none', 'lz4', 'snappy', 'zstd'] as CodecName[]) {
  test(`readState_${codec}_roundTripsMapSetBigInt`, async (t) => {
    const cs = new CheckpointStore(new MemoryStore(), 'p')
    const manifest = await writeCheckpoint(cs, [{ stateId: 'agg/acc', state }, { stateId: 'agg/total', state: 7n }, { stateId: 'src/o', state: 1 }], { codec })
    t.true(manifest.holders.every((h) => h.codec === codec))
    t.deepEqual(await cs.readState(1, 'agg'), { 'agg/acc': state, 'agg/total': 7n })
  })
}

test('readState_keyedHolderInRanges_mergedIntoOneMap', async (t) => {
  const cs = new CheckpointStore(new MemoryStore(), 'p')
  await writeCheckpoint(cs, [
    { stateId: 'win/buf', state: new Map([[70, ['x']], [100, ['y']]]), keyGroups: { start: 64, end: 127 } },
    { stateId: 'win/buf', state: new Map([[3, ['z']]]), keyGroups: { start: 0, end: 63 } },
  ])
  t.deepEqual((await cs.read(1)).holders.map((h) => h.blob.split('/').at(-1)), ['win~buf.0-63.blob', 'win~buf.64-127.blob'])
  t.deepEqual(await cs.readState(1, 'win'), { 'win/buf': new Map([[3, ['z']], [70, ['x']], [100, ['y']]]) })
})

test('readState_rangesNotMaps_listedInRangeOrder', async (t) => {
  const cs = new CheckpointStore(new MemoryStore(), 'p')
  await writeCheckpoint(cs, [
    { stateId: 'win/n', state: 2, keyGroups: { start: 64, end: 127 } },
    { stateId: 'win/n', state: 1, keyGroups: { start: 0, end: 63 } },
  ])
  t.deepEqual(await cs.readState(1, 'win'), { 'win/n': [{ keyGroups: { start: 0, end: 63 }, state: 1 }, { keyGroups: { start: 64, end: 127 }, state: 2 }] })
})
