import test from 'ava'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { linkOf } from '../../persistence/checkpoints/holder-chain.ts'
import { PipelineCheckpoints } from '../../persistence/checkpoints/pipeline-checkpoints.ts'
import { encodeSnapshot } from '../../persistence/codec/encode-snapshot.ts'
import type { StateBundle } from '../../persistence/run-state/state-bundle.ts'
import { stores } from '../../index.ts'
import { cliInProcess } from '../cli/run-cli.ts'
import { writeCheckpoint } from './checkpoint-fixture.ts'

// Found from outside: `state import` of an export whose incremental checkpoints' chains lacked
// their base — the blobs of an earlier full checkpoint, deleted from the file — exited 0
// ("imported … checkpoints 19, 20, 21, 22"), and `checkpoints verify` then found checkpoint 19
// CORRUPT ("its chain's blob of checkpoint 17: missing"). Import checked each holder's own blob
// against its manifest, never the links of its chain. Each imported checkpoint's chain must be
// whole, every link matching what the manifest records of it.

type Entry = { key: string; base64: string }

/**
 * A store holding checkpoints 2 and 3 of 'p', whose 'agg/sum' holders write changes on a chain
 * starting at full checkpoint 1 — whose manifest retention deleted (kept: 2), its blobs kept
 * since the chains need them — exported by the CLI.
 */
async function exported(dir: string): Promise<{ bundle: StateBundle & { checkpoints: Entry[] }; target: string }> {
  const src = join(dir, 'src')
  const store = stores.file(src)
  const cs = new PipelineCheckpoints(store, 'p')
  const base = await writeCheckpoint(cs, [{ stateId: 'agg/sum', state: new Map([['a', 1n], ['b', 2n]]) }])
  let chain = [linkOf(1, base.holders[0]!)]
  for (const id of [2, 3]) {
    const encoded = await encodeSnapshot(new Map([['a', BigInt(id)]]), 'zstd')
    const blob = await cs.writeBlob(id, 'agg/sum', undefined, encoded)
    const holder = { ...base.holders[0]!, snapshot: 'changes' as const, chain, blob, rawBytes: encoded.rawBytes, storedBytes: encoded.bytes.length, crc32: encoded.crc32 }
    await cs.commit({ ...base, checkpointId: id, time: base.time + id, holders: [holder] })
    chain = [...chain, linkOf(id, holder)]
  }
  await cs.retain(2)
  await store.close()
  const file = join(dir, 'p.state.json')
  const r = await cliInProcess(['state', 'export', 'p', '--store', src, '--out', file])
  if (r.code !== 0) throw new Error(r.stderr)
  return { bundle: JSON.parse(await readFile(file, 'utf8')) as StateBundle & { checkpoints: Entry[] }, target: join(dir, 'dst') }
}

const BASE_BLOB = '0000000001/agg~sum.blob'

test('import_chainBaseBlobsLeftOutOfTheFile_refusedNamingTheCheckpointAndTheMissingLink_nothingImported', async (t) => {
  t.timeout(60_000)
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-import-chain-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const { bundle, target } = await exported(dir)
  t.deepEqual(bundle.checkpoints.map((c) => c.key).sort(),
    [BASE_BLOB, '0000000002/agg~sum.blob', '0000000002/manifest.json', '0000000003/agg~sum.blob', '0000000003/manifest.json'])

  const sound = join(dir, 'sound.json')
  await writeFile(sound, JSON.stringify(bundle))
  const ok = await cliInProcess(['state', 'import', 'p', sound, '--store', join(dir, 'sound-dst')])
  t.is(ok.code, 0, ok.stderr)
  const verified = await cliInProcess(['checkpoints', 'verify', 'p', '--store', join(dir, 'sound-dst')])
  t.is(verified.stdout, 'checkpoint 3: ok\ncheckpoint 2: ok\n', verified.stderr)

  const bad = join(dir, 'bad.json')
  await writeFile(bad, JSON.stringify({ ...bundle, checkpoints: bundle.checkpoints.filter((c) => c.key !== BASE_BLOB) }))
  const r = await cliInProcess(['state', 'import', 'p', bad, '--store', target])
  t.is(r.code, 1, r.stdout)
  t.regex(r.stderr, /is a state export whose checkpoints do not verify \(nothing was imported\): /)
  for (const id of [2, 3]) {
    t.true(r.stderr.includes(`checkpoint ${id}, state 'agg/sum' of step 'agg': its chain's blob of checkpoint 1 pipelines/p/checkpoints/${BASE_BLOB} is not in the file`), r.stderr)
  }
  const store = stores.file(target)
  t.deepEqual(await store.list('pipelines/p/'), [], 'nothing imported')
  await store.close()
})

test('import_chainLinkSwappedForAnotherSoundBlob_refusedWithTheLinksChecksumMismatch', async (t) => {
  t.timeout(60_000)
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-import-chain-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const { bundle, target } = await exported(dir)
  // A sound blob (it decodes on its own) that is not the one the chains record for checkpoint 1.
  const other = bundle.checkpoints.find((c) => c.key === '0000000002/agg~sum.blob')!.base64
  const bad = join(dir, 'bad.json')
  await writeFile(bad, JSON.stringify({ ...bundle, checkpoints: bundle.checkpoints.map((c) => c.key === BASE_BLOB ? { key: c.key, base64: other } : c) }))
  const r = await cliInProcess(['state', 'import', 'p', bad, '--store', target])
  t.is(r.code, 1, r.stdout)
  t.regex(r.stderr, /checkpoint 2, state 'agg\/sum' of step 'agg': its chain's blob of checkpoint 1: (truncated|too long|checksum mismatch)/)
})
