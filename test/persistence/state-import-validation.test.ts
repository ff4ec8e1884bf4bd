import test, { type ExecutionContext } from 'ava'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PipelineCheckpoints as CheckpointStore } from '../../persistence/checkpoints/pipeline-checkpoints.ts'
import { encodeManifest, type Manifest } from '../../persistence/checkpoints/manifest.ts'
import { InvalidStateBundleError } from '../../persistence/run-state/invalid-state-bundle-error.ts'
import { checkStateBundle, importPipelineState, type StateBundle } from '../../persistence/run-state/state-bundle.ts'
import { blankRunRecord } from '../fixtures/run-state-blank.ts'
import { stores, type StateStore } from '../../index.ts'
import { cliInProcess } from '../cli/run-cli.ts'
import { writeCheckpoint } from './checkpoint-fixture.ts'
import { holderFor, undecodableBlob } from './fixtures/crafted-checkpoints.ts'

// Issue 13, defect 8: `state import` deleted the target's checkpoints before it looked at the
// file, and checked neither keys nor blobs — a key '../../x' left the pipeline with no
// checkpoints, a file of garbage blobs imported with exit 0. Every bad bundle below must be
// refused with a clear message and leave the target's checkpoints byte for byte as they were.

const holders = [
  { stateId: 'src/offsets', state: { offset: 42 } },
  { stateId: 'agg/sum', state: new Map([['a', 1n], ['b', 2n]]), dependsOn: ['src/offsets'] },
]

type Entry = { key: string; base64: string }
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64')
const MANIFEST_1 = '0000000001/manifest.json'
const BLOB_1 = '0000000001/agg~sum.blob'

/** A source store with two checkpoints of 'p' exported by the CLI, and a target store with one checkpoint of its own. */
async function setup(t: ExecutionContext) {
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-import-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const src = join(dir, 'src')
  const dst = join(dir, 'dst')
  const srcStore = stores.file(src)
  await writeCheckpoint(new CheckpointStore(srcStore, 'p'), holders)
  await writeCheckpoint(new CheckpointStore(srcStore, 'p'), holders)
  await srcStore.close()
  const dstStore = stores.file(dst)
  await writeCheckpoint(new CheckpointStore(dstStore, 'p'), [{ stateId: 'agg/sum', state: new Map([['z', 9n]]) }])
  await dstStore.close()
  const file = join(dir, 'p.state.json')
  const exported = await cliInProcess(['state', 'export', 'p', '--store', src, '--out', file])
  if (exported.code !== 0) throw new Error(exported.stderr)
  const bundle = JSON.parse(await readFile(file, 'utf8')) as StateBundle & { checkpoints: Entry[] }
  return { dir, dst, bundle }
}

/** Every key of pipeline 'p' in the store with its bytes. */
async function contents(where: string): Promise<Record<string, string>> {
  const store = stores.file(where)
  try {
    const out: Record<string, string> = {}
    for (const key of await store.list('pipelines/p/')) out[key] = b64((await store.get(key))!)
    return out
  } finally {
    await store.close()
  }
}

/** The bundle's manifest 1, decoded. */
function manifestOf(bundle: { checkpoints: Entry[] }): Manifest {
  return JSON.parse(Buffer.from(bundle.checkpoints.find((c) => c.key === MANIFEST_1)!.base64, 'base64').toString('utf8')) as Manifest
}

/** Manifest 1 of the bundle re-encoded after `change` (its checksum recomputed: valid). */
function reencoded(bundle: { checkpoints: Entry[] }, change: (m: Manifest) => Manifest): string {
  const { checksum: _, ...content } = change(manifestOf(bundle))
  return b64(encodeManifest(content).bytes)
}

const replace = (entries: Entry[], key: string, base64: string): Entry[] => entries.map((c) => c.key === key ? { key, base64 } : c)
const garbage = b64(Uint8Array.from({ length: 300 }, (_, i) => (i * 7919) % 251))

const cases: Array<[name: string, change: (entries: Entry[], bundle: { checkpoints: Entry[] }) => Entry[], message: RegExp]> = [
  ['a key climbing out of the pipeline (../../x)', (e) => [...e, { key: '../../x', base64: garbage }], /key '\.\.\/\.\.\/x': not inside pipeline 'p''s checkpoints \(pipelines\/p\/checkpoints\/\.\.\/\.\.\/x: segment 4 is '\.\.'\)/],
  ['a key climbing out from a checkpoint folder', (e) => [...e, { key: '0000000001/../../../../x.blob', base64: garbage }], /not inside pipeline 'p''s checkpoints/],
  ['a key outside any checkpoint folder', (e) => [...e, { key: 'manifest.json', base64: garbage }], /key 'manifest\.json': not <10-digit checkpoint id>\/<file>/],
  ['a key that is neither a manifest nor a blob', (e) => [...e, { key: '0000000001/notes.txt', base64: garbage }], /key '0000000001\/notes\.txt': neither manifest\.json nor a \.blob/],
  ['a file of garbage blobs only', () => [{ key: '0000000009/agg~sum.blob', base64: garbage }, { key: '0000000009/src~offsets.blob', base64: garbage }], /blob '0000000009\/agg~sum\.blob' does not decode: bad magic/],
  ['a garbage blob in place of a referenced one', (e) => replace(e, BLOB_1, garbage), /checkpoint 1, state 'agg\/sum' of step 'agg': too long: expected \d+ bytes, found 300/],
  ['a blob with one payload byte flipped', (e) => replace(e, BLOB_1, flipLast(e.find((c) => c.key === BLOB_1)!.base64)), /checkpoint 1, state 'agg\/sum' of step 'agg': checksum mismatch/],
  ['a blob with a valid checksum that does not decompress, its manifest matching', (e, b) => {
    const blob = undecodableBlob()
    return replace(replace(e, BLOB_1, b64(blob)), MANIFEST_1, reencoded(b, (m) => ({ ...m, holders: m.holders.map((h) => h.stateId === 'agg/sum' ? holderFor(h, blob) : h) })))
  }, /checkpoint 1, state 'agg\/sum' of step 'agg': does not decode: the zstd payload does not decompress/],
  ['a manifest with a flipped byte', (e) => replace(e, MANIFEST_1, flipLast(e.find((c) => c.key === MANIFEST_1)!.base64)), /checkpoint 1: (not JSON|checksum mismatch)/],
  ['a valid manifest naming a blob outside the pipeline', (e, b) => replace(e, MANIFEST_1, reencoded(b, (m) => ({ ...m, holders: m.holders.map((h) => ({ ...h, blob: 'pipelines/q/checkpoints/0000000001/agg~sum.blob' })) }))),
    /invalid blob key 'pipelines\/q\/checkpoints\/0000000001\/agg~sum\.blob'/],
  ['a valid manifest naming a blob the file lacks', (e) => e.filter((c) => c.key !== BLOB_1), /checkpoint 1, state 'agg\/sum' of step 'agg': its blob pipelines\/p\/checkpoints\/0000000001\/agg~sum\.blob is not in the file/],
  ["checkpoint 1's manifest under checkpoint 2's folder", (e) => replace(e, '0000000002/manifest.json', e.find((c) => c.key === MANIFEST_1)!.base64), /checkpoint 2: it is the manifest of checkpoint 1/],
  ['a manifest written by a newer Node', (e, b) => replace(e, MANIFEST_1, reencoded(b, (m) => ({ ...m, nodeVersion: 'v99.0.0' }))), /checkpoint 1: .*v99\.0\.0/],
  ['base64 with characters outside the alphabet', (e) => replace(e, BLOB_1, '@@@@' + e.find((c) => c.key === BLOB_1)!.base64), /key '0000000001\/agg~sum\.blob': its base64 is not standard base64/],
  ['a key twice', (e) => [...e, e.find((c) => c.key === BLOB_1)!], /key '0000000001\/agg~sum\.blob' appears twice/],
]

function flipLast(base64: string): string {
  const bytes = Buffer.from(base64, 'base64')
  bytes[bytes.length - 2] = bytes[bytes.length - 2]! ^ 0x01
  return bytes.toString('base64')
}

test('import_badBundles_refusedWithTheProblemNamed_targetCheckpointsUntouched', async (t) => {
  t.timeout(120_000)
  const { dir, dst, bundle } = await setup(t)
  const before = await contents(dst)
  t.is(Object.keys(before).length, 2, 'the target has a checkpoint of its own: a manifest and a blob')
  for (const [name, change, message] of cases) {
    const file = join(dir, 'bad.json')
    await writeFile(file, JSON.stringify({ ...bundle, checkpoints: change(structuredClone(bundle.checkpoints), structuredClone(bundle)) }))
    const r = await cliInProcess(['state', 'import', 'p', file, '--store', dst])
    t.is(r.code, 1, `${name}: ${r.stderr}`)
    t.regex(r.stderr, message, name)
    t.regex(r.stderr, /is a state export whose checkpoints do not verify \(nothing was imported\): /, name)
    t.deepEqual(await contents(dst), before, `${name}: the target's keys are as they were`)
  }
})

test('import_soundBundle_replacesTheTargetsCheckpointsWithTheSourcesAndTheyVerify', async (t) => {
  t.timeout(60_000)
  const { dir, dst, bundle } = await setup(t)
  const file = join(dir, 'good.json')
  await writeFile(file, JSON.stringify(bundle))
  const r = await cliInProcess(['state', 'import', 'p', file, '--store', dst])
  t.is(r.code, 0, r.stderr)
  const after = await contents(dst)
  t.deepEqual(Object.fromEntries(Object.entries(after).filter(([k]) => k.includes('/checkpoints/'))),
    Object.fromEntries(bundle.checkpoints.map((c) => [`pipelines/p/checkpoints/${c.key}`, c.base64])))
  const verified = await cliInProcess(['checkpoints', 'verify', 'p', '--store', dst, '--json'])
  t.is(verified.code, 0, verified.stdout)
})

test('importPipelineState_badBundle_throwsInvalidStateBundleErrorBeforeTakingTheLease', async (t) => {
  const store: StateStore = stores.memory()
  await writeCheckpoint(new CheckpointStore(store, 'p'), holders)
  const before = await store.list('pipelines/p/')
  const bundle: StateBundle = { format: 1, kind: 'oxiflow-pipeline-state', pipelineId: 'p', exportedAt: 0, run: null, checkpoints: [{ key: '../../x', base64: garbage }] }
  const e = await t.throwsAsync(importPipelineState(store, bundle, 'x.json'), { instanceOf: InvalidStateBundleError })
  t.regex(e!.message, /^x\.json is a state export whose checkpoints do not verify \(nothing was imported\): /)
  t.deepEqual(await store.list('pipelines/p/'), before)
  t.deepEqual(await store.leases(), [])
})

test('checkStateBundle_runRecordOfAnotherPipeline_refused', (t) => {
  const bundle = { format: 1, kind: 'oxiflow-pipeline-state', pipelineId: 'p', exportedAt: 0, run: blankRunRecord('q'), checkpoints: [] }
  const e = t.throws(() => checkStateBundle(bundle, 'p', 'p.json'), { instanceOf: InvalidStateBundleError })
  t.regex(e!.message, /^p\.json is not an oxiflow state export of the pipeline asked for: its run record is of pipeline 'q'/)
})
