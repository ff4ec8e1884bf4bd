// A jsonl sink whose path is a pipe (a FIFO here; /dev/stdout piped into another program is the
// common case) writes a stream, without seeking: what the reader gets is every record's line in
// order, against the records joined in a plain loop. With checkpoints, which rewind the file to
// what a checkpoint committed, a pipe is refused at open, saying why and what to do.
import test from 'ava'
import { createReadStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { OxiflowError, pipeline, sinks, sources } from '../../../index.ts'
import { fifo } from '../../fixtures/fifo.ts'

/** Everything a reader of `path` gets until the writer closes it. */
function readAll(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = ''
    createReadStream(path, 'utf8').on('data', (d) => { text += d }).on('end', () => resolve(text)).on('error', reject)
  })
}

test('into a pipe the sink writes each record\'s line once, in order, without seeking', async (t) => {
  t.timeout(60_000)
  const path = await fifo(t, 'out.fifo')
  const records = Array.from({ length: 50_000 }, (_, i) => ({ i, s: `r${i}` }))
  const read = readAll(path)
  const summary = await pipeline('into-pipe').source('in', sources.iterable(records)).sink('out', sinks.jsonl(path)).run({ batchSize: 1000 }).done
  t.is(summary.status, 'completed')
  t.is(await read, records.map((r) => JSON.stringify(r) + '\n').join(''))
})

test('with checkpoints a pipe is refused at open: the sink rewinds its file to a checkpoint, which a pipe cannot do', async (t) => {
  t.timeout(60_000)
  const path = await fifo(t, 'out.fifo')
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-jsonl-pipe-store-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const job = pipeline('into-pipe-checkpointed').source('in', sources.iterable([1, 2, 3])).sink('out', sinks.jsonl(path))
    .run({ store: join(dir, 'store'), checkpointInterval: 50 })
  const e = await t.throwsAsync(job.done, { instanceOf: OxiflowError })
  t.regex(e!.message, /jsonl sink: '.*out\.fifo' is not a regular file \(a pipe or a device\).*write to a file, or run without checkpoints/)
})
