import test from 'ava'
import { manifestKey } from '../../persistence/checkpoints/checkpoint-layout.ts'
import { PipelineCheckpoints as CheckpointStore } from '../../persistence/checkpoints/pipeline-checkpoints.ts'
import { CheckpointNotFoundError } from '../../persistence/checkpoints/checkpoint-not-found-error.ts'
import { MemoryStore } from '../../persistence/stores/memory-store.ts'
import { flipByte, writeCheckpoint } from './checkpoint-fixture.ts'

const holders = [
  { stateId: 'src/offsets', state: { offset: 42 } },
  { stateId: 'agg/sum', state: new Map([['a', 1n], ['b', 2n]]), dependsOn: ['src/offsets'] },
]

async function setup() {
  const cs = new CheckpointStore(new MemoryStore(), 'p')
  const manifest = await writeCheckpoint(cs, holders)
  const holder = manifest.holders.find((h) => h.stateId === 'agg/sum')!
  return { cs, manifest, holder, bytes: (await cs.store.get(holder.blob))! }
}

test('verify_soundCheckpoint_ok', async (t) => {
  const { cs } = await setup()
  t.deepEqual(await cs.verify(1), { checkpointId: 1, ok: true, problems: [] })
})

test('verify_flippedPayloadByte_checksumMismatchNamesStepAndStateId', async (t) => {
  const { cs, holder, bytes } = await setup()
  await cs.store.put(holder.blob, flipByte(bytes, bytes.length - 1))
  t.deepEqual(await cs.verify(1), {
    checkpointId: 1, ok: false, problems: [{ step: 'agg', stateId: 'agg/sum', blob: holder.blob, problem: 'checksum mismatch' }],
  })
})

test('verify_flippedByteAnywhere_detectedAndNamed', async (t) => {
  const { cs, holder, bytes } = await setup()
  for (let i = 0; i < bytes.length; i++) {
    await cs.store.put(holder.blob, flipByte(bytes, i))
    const report = await cs.verify(1)
    t.false(report.ok, `byte ${i} of ${bytes.length}`)
    t.deepEqual(report.problems.map((p) => [p.step, p.stateId]), [['agg', 'agg/sum']], `byte ${i}`)
  }
})

test('verify_truncatedBlob_namesExpectedAndFoundBytes', async (t) => {
  const { cs, holder, bytes } = await setup()
  await cs.store.put(holder.blob, bytes.subarray(0, bytes.length - 5))
  t.deepEqual((await cs.verify(1)).problems.map((p) => [p.stateId, p.problem]),
    [['agg/sum', `truncated: expected ${bytes.length} bytes, found ${bytes.length - 5}`]])
})

test('verify_missingBlob_namesMissing', async (t) => {
  const { cs, holder } = await setup()
  await cs.store.delete(holder.blob)
  t.deepEqual((await cs.verify(1)).problems, [{ step: 'agg', stateId: 'agg/sum', blob: holder.blob, problem: 'missing' }])
})

test('verify_blobOfAnotherCheckpointUnderItsKey_checksumMismatch', async (t) => {
  const { cs, holder } = await setup()
  const other = await writeCheckpoint(cs, [holders[0]!, { ...holders[1]!, state: new Map([['a', 3n], ['b', 4n]]) }])
  const otherBlob = other.holders.find((h) => h.stateId === 'agg/sum')!
  t.is(otherBlob.storedBytes, holder.storedBytes, 'same length, other content')
  await cs.store.put(holder.blob, (await cs.store.get(otherBlob.blob))!)
  t.deepEqual((await cs.verify(1)).problems.map((p) => p.problem),
    [`checksum mismatch: the blob's header has crc32 ${otherBlob.crc32}, the manifest ${holder.crc32}`])
})

test('verify_corruptManifest_reportedNotThrown', async (t) => {
  const { cs } = await setup()
  await cs.store.put(manifestKey('p', 1), new TextEncoder().encode('{"format":1'))
  const report = await cs.verify(1)
  t.false(report.ok)
  t.regex(report.manifest!, /^not JSON/)
})

test('verify_unknownId_checkpointNotFound', async (t) => {
  const { cs } = await setup()
  await t.throwsAsync(cs.verify(2), { instanceOf: CheckpointNotFoundError })
})
