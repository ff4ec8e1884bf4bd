// decodeManifest checks every field the manifest's type declares, after the checksum: a manifest
// that a broken writer or a hand edit left with a missing or mistyped field is refused naming it.
import test from 'ava'
import { CorruptManifestError } from '../../persistence/checkpoints/corrupt-manifest-error.ts'
import { decodeManifest, encodeManifest, type ManifestContent, type ManifestHolder } from '../../persistence/checkpoints/manifest.ts'

const holder: ManifestHolder = {
  stateId: 'agg/sum', step: 'agg', type: 'aggregate', stateVersion: '1.0.0', codec: 'zstd', rawBytes: 120, storedBytes: 64,
  crc32: 123456, dependsOn: [], level: 0, blob: 'pipelines/p/checkpoints/0000000003/agg~sum~0-63.blob',
  keyGroups: { start: 0, end: 63 }, keyed: true, instance: 0, parallelism: 2,
}
const content: ManifestContent = {
  format: 1, pipelineId: 'p', checkpointId: 3, time: 1, nodeVersion: process.version, codec: 'zstd',
  sources: { cuts: { 0: 42, 3: 0 } }, holders: [holder],
}
const decode = (c: object) => decodeManifest(encodeManifest(c as ManifestContent).bytes, 'p', 3, 'k')
const withHolder = (change: object) => ({ ...content, holders: [{ ...holder, ...change }] })

test('decodeManifest_asARunnerWritesIt_readsEveryField', (t) => {
  const m = decode(content)
  t.deepEqual(m.holders[0], holder)
  t.deepEqual(m.sources, { cuts: { 0: 42, 3: 0 } })
})

test('decodeManifest_withoutTheFieldsOnlyARunnerWrites_readsIt', (t) => {
  const { keyGroups: _g, keyed: _k, instance: _i, parallelism: _p, ...bare } = holder
  const m = decode({ ...content, sources: { src: { offset: 30 } }, holders: [bare] })
  t.deepEqual(m.holders[0], bare)
  t.deepEqual(m.sources, { src: { offset: 30 } })
})

const refused: Array<[string, object, string]> = [
  ['codec missing', { ...content, codec: undefined }, 'codec is not a string'],
  ['sources a list', { ...content, sources: [] }, 'sources is not an object'],
  ['sources.cuts a number', { ...content, sources: { cuts: 3 } }, 'sources.cuts is not an object'],
  ['a cut negative', { ...content, sources: { cuts: { 0: -1 } } }, "sources.cuts['0'] is not a sequence number (an integer ≥ 0)"],
  ['a cut keyed by a name', { ...content, sources: { cuts: { src: 1 } } }, "sources.cuts has key 'src', not a source vertex id"],
  ['type missing', withHolder({ type: undefined }), 'holder 0: type is not a string'],
  ['dependsOn not a list', withHolder({ dependsOn: 'win/buffer' }), "holder 0: dependsOn of 'agg/sum' is not a list of state ids"],
  ['keyGroups reversed', withHolder({ keyGroups: { start: 9, end: 1 } }), "holder 0: keyGroups of 'agg/sum' is not { start, end } with 0 ≤ start ≤ end"],
  ['keyed a string', withHolder({ keyed: 'yes' }), "holder 0: keyed of 'agg/sum' is not a boolean"],
  ['parallelism missing', withHolder({ parallelism: undefined }), "holder 0: parallelism of 'agg/sum' is not a positive integer"],
  ['parallelism 0', withHolder({ parallelism: 0 }), "holder 0: parallelism of 'agg/sum' is not a positive integer"],
  ['instance missing', withHolder({ instance: undefined }), "holder 0: instance of 'agg/sum' is not an integer ≥ 0"],
  ['instance a string', withHolder({ instance: '1' }), "holder 0: instance of 'agg/sum' is not an integer ≥ 0"],
  ['instance not below parallelism', withHolder({ instance: 2 }), "holder 0: instance of 'agg/sum' is not below its parallelism 2"],
  ['previous not below its id', { ...content, previous: 3 }, 'previous is 3, not null or a checkpoint id below 3'],
  ['previous a string', { ...content, previous: '2' }, 'previous is "2", not null or a checkpoint id below 3'],
  ['previous 0', { ...content, previous: 0 }, 'previous is 0, not null or a checkpoint id below 3'],
  ['maxKeyGroups 0', { ...content, maxKeyGroups: 0 }, 'maxKeyGroups is 0, not an integer ≥ 1'],
  ['maxKeyGroups a string', { ...content, maxKeyGroups: '128' }, 'maxKeyGroups is "128", not an integer ≥ 1'],
]

test('decodeManifest_previousNullOrAnOlderId_readsIt', (t) => {
  t.is(decode({ ...content, previous: null }).previous, null)
  t.is(decode({ ...content, previous: 2 }).previous, 2)
  t.is(decode(content).previous, undefined)
})
for (const [what, manifest, problem] of refused) {
  test(`decodeManifest_${what.replaceAll(' ', '_')}_refusedNamingTheField`, (t) => {
    const e = t.throws(() => decode(manifest), { instanceOf: CorruptManifestError })
    t.is(e.problem, problem)
    t.is(e.code, 'ERR_CORRUPT_MANIFEST')
  })
}
