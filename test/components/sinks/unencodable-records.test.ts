import test from 'ava'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline, sinks, sources, stores, type ErrorPolicy } from '../../../index.ts'
import { STAGE_LIMIT, stagedOutput } from '../../../components/brokers/staged-output.ts'

// A record a sink cannot encode (a bigint for JSON) fails alone under the sink step's onError:
// before, the whole batch failed — under 'skip' every good record of it was dropped, counted as
// failed and dead-lettered with the bad one's error, so the output depended on the batch size.
const input = [{ a: 1 }, { a: 2n }, { a: 3 }, { a: 4 }, { a: 5n }, { a: 6 }]
const good = input.filter((r) => typeof r.a !== 'bigint').map((r) => JSON.stringify(r))

for (const checkpoints of [false, true]) {
  for (const batchSize of [1, 2, 1024]) {
    for (const policy of ['skip', 'deadLetter', { retry: 2, backoffMs: 1 }] as const) {
      const name = typeof policy === 'string' ? policy : 'retry 2'
      test(`jsonl sink${checkpoints ? ' with checkpoints' : ''}, batchSize ${batchSize}, onError ${name}: the good records are written, the bigint ones fail alone`, async (t) => {
        const dir = await mkdtemp(join(tmpdir(), 'oxiflow-unencodable-'))
        t.teardown(() => rm(dir, { recursive: true, force: true }))
        const letters = sinks.collect()
        const onError: ErrorPolicy = policy === 'deadLetter' ? { deadLetter: letters } : policy
        const job = pipeline('p').source('in', sources.iterable(input)).sink('out', sinks.jsonl(join(dir, 'out.jsonl')), { onError })
          .run({ batchSize, ...(checkpoints && { store: stores.file(join(dir, 'store')) }) }).done
        if (name === 'retry 2') {
          // Retries cannot encode a bigint either: the step fails, naming the record's problem, not the disk.
          const e = await t.throwsAsync(job)
          t.regex(e!.message, /jsonl sink: cannot encode a record as JSON \(Do not know how to serialize a BigInt\); convert such values before the sink/)
          t.notRegex(e!.message, /disk space/)
          return
        }
        const s = await job
        t.deepEqual((await readFile(join(dir, 'out.jsonl'), 'utf8')).split('\n').filter((l) => l !== ''), good)
        t.is(s.steps.out!.failed, 2)
        t.is(s.steps.out!.recordsOut, good.length)
        if (policy === 'deadLetter') {
          const dead = s.deadLetters!.out as unknown as Array<{ record: { a: bigint }; error: string }>
          t.deepEqual(dead.map((d) => d.record.a), [2n, 5n])
          for (const d of dead) t.regex(d.error, /Do not know how to serialize a BigInt/)
        }
      })
    }
  }
}

test('a broker sink\'s staged output leaves out a record its encode throws for: a retry of the batch stages nothing twice', (t) => {
  const published: string[] = []
  const writer = stagedOutput<{ a: number }>('out/output', true, async (_run, _first, payloads) => { published.push(...payloads) }, async () => {},
    (r) => { if (r.a === 2) throw new Error('no 2'); return String(r.a) })
  const e = t.throws(() => writer.write([{ a: 1 }, { a: 2 }, { a: 3 }]))
  t.is((e as { code?: string }).code, 'ERR_RECORD_ENCODE')
  t.deepEqual((e as unknown as { failures: Array<{ index: number }> }).failures.map((f) => f.index), [1])
  t.throws(() => writer.write([{ a: 2 }]))
  t.deepEqual((writer.holders!()[0]!.snapshot() as { pending: string[] }).pending, ['1', '3'])
})

// Found from outside: a JetStream sink slower than its source (~10k messages/s) let the source
// read on for as long as each commit published, and commits took longer each time (433 MB of RSS
// for 450k records; a graceful stop waited for the whole input to be published).
test('a broker sink\'s writes wait while a commit publishes, once STAGE_LIMIT records wait behind it, and only then', async (t) => {
  let release!: () => void
  const gate = new Promise<void>((resolve) => { release = resolve })
  const published: string[] = []
  const writer = stagedOutput<number>('out/output', true, async (_run, _first, payloads) => { await gate; published.push(...payloads) }, async () => {}, String)
  t.is(writer.write([1, 2, 3]), undefined)
  writer.holders!()[0]!.snapshot() // barrier 1: 1, 2, 3 are its output
  const commit = writer.commit!(1) // publishing, held by the gate
  t.is(writer.write(Array.from({ length: STAGE_LIMIT - 1 }, () => 0)), undefined, 'below the limit a write returns at once')
  const waiting = writer.write([0])
  t.true(waiting instanceof Promise, 'at the limit it waits')
  let settled = false
  void waiting!.then(() => { settled = true })
  await new Promise((resolve) => setTimeout(resolve, 30))
  t.false(settled, 'until the publish is done')
  release()
  await commit
  await waiting
  t.deepEqual(published, ['1', '2', '3'])
  t.is(writer.write(Array.from({ length: STAGE_LIMIT }, () => 0)), undefined, 'with no commit publishing, staging does not wait')
  t.is((writer.holders!()[0]!.snapshot() as { pending: string[] }).pending.length, 2 * STAGE_LIMIT)
})
