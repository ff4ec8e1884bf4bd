// A restore reads each blob once, on the host that restores it: the hosts read, check and decode
// their own blobs (all at once) before any holder is touched, and a checkpoint whose blob fails
// is skipped — or, asked for by id, refused — on worker hosts as inline. Before, the main thread
// first read and decompressed every blob of the checkpoint, then each host read it again.
import test from 'ava'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'
import { stores, type StateStore } from '../../../index.ts'
import { PipelineCheckpoints } from '../../../persistence/checkpoints/pipeline-checkpoints.ts'
import { CorruptCheckpointError } from '../../../persistence/checkpoints/corrupt-checkpoint-error.ts'
import { StoreUnavailableError } from '../../../persistence/stores/store-unavailable-error.ts'
import { StateRestoreError } from '../../../persistence/checkpoints/state-restore-error.ts'
import { encodeSnapshot } from '../../../persistence/codec/encode-snapshot.ts'
import { perKey } from '../../fixtures/crash/harness.ts'
import build, { rescaleOracle as oracle } from '../../fixtures/crash/rescale.ts'
import { holderFor, rewriteManifest, undecodableBlob } from '../../persistence/fixtures/crafted-checkpoints.ts'

const module = pathToFileURL(join(import.meta.dirname, '../../fixtures/crash/rescale.ts')).href
const lines = 12_000

/** `store` with each blob read counted, by key. */
function counting(store: StateStore): { store: StateStore; reads: Map<string, number> } {
  const reads = new Map<string, number>()
  const proxy = new Proxy(store, {
    get(target, p) {
      if (p === 'get') {
        return (key: string) => {
          if (key.endsWith('.blob')) reads.set(key, (reads.get(key) ?? 0) + 1)
          return target.get(key)
        }
      }
      const v = Reflect.get(target, p) as unknown
      return typeof v === 'function' ? v.bind(target) : v
    },
  })
  return { store: proxy, reads }
}

/** A run on `workers` stopped mid-input after a checkpoint (its stop takes a second); the input's records. */
async function stoppedRun(t: { teardown(f: () => Promise<void>): void }, workers: number, incremental = true) {
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-restore-reads-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  await mkdir(join(dir, 'out'))
  const records = Array.from({ length: lines }, (_, id) => ({ id, key: `k${(id * 7919) % 61}` }))
  await writeFile(join(dir, 'in.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n')
  const memory = stores.memory()
  const params = { input: join(dir, 'in.jsonl'), out: join(dir, 'out'), slowFrom: 0, slowMs: 0.3 }
  const first = build(params).run({ workers, module, params, store: memory, checkpointInterval: 30, ...(!incremental && { incremental: false }) })
  while ((first.metrics().checkpoints?.completed ?? 0) < 1) await sleep(5)
  t.teardown(async () => { await first.done.catch(() => undefined) })
  const stopped = await first.stop()
  if (stopped.status !== 'stopped') throw new Error(`the first run ${stopped.status} before its stop: pace it more`)
  return { dir, records, memory, params }
}

for (const workers of [0, 2]) {
  test(`${workers} workers: restore 'latest' reads each blob of the checkpoint once, and continues exactly once`, async (t) => {
    t.timeout(120_000)
    const { dir, records, memory, params } = await stoppedRun(t, workers)
    const [newest] = await new PipelineCheckpoints(memory, 'rescale').list()
    const { store, reads } = counting(memory)
    const second = await build(params).run({ workers, module, params, store, restore: 'latest' }).done
    t.is(second.restore?.checkpointId, newest!.id)
    const blobs = newest!.ok ? newest!.manifest.holders.map((h) => h.blob) : []
    t.true(blobs.length >= 2)
    t.deepEqual([...reads].filter(([k]) => blobs.includes(k)).sort(), blobs.map((b) => [b, 1] as [string, number]).sort(), 'each blob read once')
    t.deepEqual(perKey(await readFile(join(dir, 'out', 'counts.jsonl'), 'utf8')), perKey(oracle(records)))
  })

  test(`${workers} workers: a blob that passes its checksum but does not decode makes 'latest' skip its checkpoint; asked for by id, it is refused`, async (t) => {
    t.timeout(120_000)
    const { dir, records, memory, params } = await stoppedRun(t, workers)
    const [newest, previous] = await new PipelineCheckpoints(memory, 'rescale').list()
    if (!newest?.ok || !previous?.ok) throw new Error('two readable checkpoints expected')
    const garbage = undecodableBlob('zstd')
    const damaged = newest.manifest.holders.filter((h) => h.step === 'running')
    t.true(damaged.length >= 1)
    for (const h of damaged) await memory.put(h.blob, garbage)
    await rewriteManifest(memory, newest.manifest, (hs) => hs.map((h) => h.step === 'running' ? holderFor(h, garbage) : h))
    const refused = await t.throwsAsync(build(params).run({ workers, module, params, store: memory, restore: newest.id }).done, { instanceOf: CorruptCheckpointError })
    t.regex(refused!.message, new RegExp(`checkpoint ${newest.id} does not verify: running \\(running/[^)]*\\): does not decode: `))
    const second = await build(params).run({ workers, module, params, store: memory, restore: 'latest' }).done
    t.is(second.restore?.checkpointId, previous.id)
    t.deepEqual(second.restore?.skipped.map((s) => s.id), [newest.id])
    t.regex(second.restore!.skipped[0]!.reason, /^state 'running\/[^']*' of step 'running', key groups \d+-\d+: does not decode: /)
    t.deepEqual(perKey(await readFile(join(dir, 'out', 'counts.jsonl'), 'utf8')), perKey(oracle(records)))
  })
}

for (const workers of [0, 2]) {
  test(`${workers} workers: a store failing a blob read during the restore fails the job with the store's own error and code`, async (t) => {
    t.timeout(120_000)
    const { memory, params } = await stoppedRun(t, workers)
    const failing = new Proxy(memory, {
      get(target, p) {
        if (p === 'get') {
          return (key: string) => key.endsWith('.blob')
            ? Promise.reject(new StoreUnavailableError('memory://test', 'the disk went away', { operation: `get('${key}')` }))
            : target.get(key)
        }
        const v = Reflect.get(target, p) as unknown
        return typeof v === 'function' ? v.bind(target) : v
      },
    })
    const e = await t.throwsAsync(build(params).run({ workers, module, params, store: failing, restore: 'latest' }).done)
    t.true(e instanceof StoreUnavailableError, `${e?.name}: ${e?.message}`)
    t.is((e as StoreUnavailableError).code, 'ERR_STORE_UNAVAILABLE')
    t.regex(e!.message, /the disk went away/)
  })
}

test('a keyed blob that decodes to no Map is refused, naming the step, when restored on another parallelism too', async (t) => {
  t.timeout(120_000)
  const { memory, params } = await stoppedRun(t, 2, false)
  const [newest] = await new PipelineCheckpoints(memory, 'rescale').list()
  if (!newest?.ok) throw new Error('a readable checkpoint expected')
  t.true(newest.manifest.holders.every((h) => h.snapshot !== 'changes'), 'full snapshots: the blob is the state itself')
  // A sound blob (header, checksum, zstd, v8) of the wrong shape: a broken writer or an edited export.
  const { bytes, rawBytes } = await encodeSnapshot('hello', 'zstd')
  for (const h of newest.manifest.holders.filter((x) => x.step === 'running')) await memory.put(h.blob, bytes)
  await rewriteManifest(memory, newest.manifest, (hs) => hs.map((h) => h.step === 'running' ? holderFor(h, bytes, 'zstd', rawBytes) : h))
  for (const workers of [2, 0]) {
    const e = await t.throwsAsync(build(params).run({ workers, module, params, store: memory, restore: 'latest' }).done)
    t.true(e instanceof StateRestoreError || e?.name === 'KeyedStateRestoreError', `${workers} workers: ${e?.name}: ${e?.message}`)
    t.regex(e!.message, /'running/, `${workers} workers: names the step`)
  }
})

test('a checkpoint asked for by id whose chain link is bad is refused naming the link\'s checkpoint', (t) => {
  const e = new CorruptCheckpointError('p', 8, [{ step: 'agg', stateId: 'agg/sum', blob: 'pipelines/p/checkpoints/0000000003/agg~sum.blob', problem: 'missing', link: 3 }])
  t.regex(e.message, /checkpoint 8 does not verify: agg \(agg\/sum\), its chain's blob of checkpoint 3: missing/)
})
