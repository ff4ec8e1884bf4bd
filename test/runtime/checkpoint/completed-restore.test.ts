// A job that completes takes one last checkpoint of its final state (every instance ended), so
// running the completed job again with restore 'latest' — on any worker count — has nothing left
// to read, fire or write, also when it completed before its first periodic checkpoint.
import test from 'ava'
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { checkpoints, stores } from '../../../index.ts'
import { perKey } from '../../fixtures/crash/harness.ts'
import build, { rescaleOracle as oracle } from '../../fixtures/crash/rescale.ts'

const module = pathToFileURL(join(import.meta.dirname, '../../fixtures/crash/rescale.ts')).href
const lines = 3_000


for (const [first, again] of [[0, 0], [2, 3], [3, 0]] as const) {
  test(`a job completed on ${first} worker(s) without periodic checkpoints, run again with restore 'latest' on ${again}: it restores the final checkpoint and adds nothing`, async (t) => {
    t.timeout(120_000)
    const dir = await mkdtemp(join(tmpdir(), 'oxiflow-completed-'))
    t.teardown(() => rm(dir, { recursive: true, force: true }))
    await mkdir(join(dir, 'out'))
    const records = Array.from({ length: lines }, (_, id) => ({ id, key: `k${(id * 7919) % 23}` }))
    await writeFile(join(dir, 'in.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n')
    const store = stores.file(join(dir, 'store'))
    const params = { input: join(dir, 'in.jsonl'), out: join(dir, 'out'), slowFrom: lines, slowMs: 0 }
    const a = await build(params).run({ workers: first, module, params, store }).done
    t.is(a.status, 'completed')
    t.is(a.checkpoints?.completed, 1, 'one checkpoint: the final one')
    const list = await checkpoints(store, 'rescale').list()
    t.deepEqual(list.map((c) => c.id), [a.checkpoints!.last!.id])
    const output = await readFile(join(dir, 'out', 'counts.jsonl'), 'utf8')
    t.deepEqual(perKey(output), perKey(oracle(records)))

    // Lines appended after the end are not read by the restore, and its message says so.
    await appendFile(join(dir, 'in.jsonl'), '{"id":-1,"key":"late"}\n')
    const b = await build(params).run({ workers: again, module, params, store, restore: 'latest' }).done
    t.is(b.status, 'completed')
    t.is(b.restore?.checkpointId, a.checkpoints!.last!.id)
    t.true(b.restore?.message.endsWith(`; file source 'lines' (${params.input}) had read its file to the end before it, so this run reads ` +
      'nothing more of them, lines appended since included: start without restore to read a file that grew'), b.restore?.message)
    t.is(b.steps.lines.recordsOut, 0, 'nothing read again')
    t.is(b.steps.counts.recordsIn, 0, 'nothing written again')
    t.is(await readFile(join(dir, 'out', 'counts.jsonl'), 'utf8'), output, 'the output file is unchanged')
  })
}

test('a stopped job takes no completion checkpoint after its stop checkpoint: restore continues where it stopped', async (t) => {
  const store = stores.memory()
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-completed-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  await mkdir(join(dir, 'out'))
  const records = Array.from({ length: 20_000 }, (_, id) => ({ id, key: `k${id % 11}` }))
  await writeFile(join(dir, 'in.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n')
  const params = { input: join(dir, 'in.jsonl'), out: join(dir, 'out'), slowFrom: 0, slowMs: 0.05 }
  const job = build(params).run({ workers: 0, params, store })
  await new Promise((r) => setTimeout(r, 150))
  const a = await job.stop()
  t.is(a.status, 'stopped')
  t.is(a.checkpoints?.completed, 1, "the stop's checkpoint only")
  const b = await build({ ...params, slowMs: 0 }).run({ workers: 0, params, store, restore: 'latest' }).done
  t.is(b.restore?.checkpointId, a.checkpoints!.last!.id)
  t.true(b.steps.lines.recordsOut > 0, 'the restore continued the input')
  t.deepEqual(perKey(await readFile(join(dir, 'out', 'counts.jsonl'), 'utf8')), perKey(oracle(records)))
})
