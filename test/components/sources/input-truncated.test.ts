// A file cut while a job reads it (logrotate's copytruncate) fails the read that finds its end
// before the size the file had at open, with SourceInputChangedError 'shorter': before, the job
// ended "completed", exit 0, with part of its input (found from outside).
import { truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import test from 'ava'
import { jsonl } from '../../../components/sources/jsonl.ts'
import { csv } from '../../../components/sources/csv.ts'
import { SourceInputChangedError } from '../../../runtime/errors/source-input-changed-error.ts'
import { isSourceInputChangedError, pipeline, sinks, sources } from '../../../index.ts'
import { withTempDir } from '../../fixtures/components/contexts.ts'
import { openSplit } from '../../fixtures/components/line-files.ts'

const kinds = [
  ['jsonl', (path: string) => jsonl(path, { chunkSize: 32 }), Array.from({ length: 400 }, (_, n) => `{"n":${n}}\n`).join('')],
  ['csv', (path: string) => csv(path, { chunkSize: 32 }), `n\n${Array.from({ length: 400 }, (_, n) => `${n}\n`).join('')}`],
] as const

for (const [kind, source, text] of kinds) {
  for (const cut of [0, 600]) {
    test(`${kind}: a file cut to ${cut} bytes while read fails the next read with SourceInputChangedError naming step, file and byte`, async (t) => {
      await withTempDir(async (dir) => {
        const path = join(dir, `in.${kind}`)
        await writeFile(path, text)
        const { reader } = await openSplit(source(path), 0, 1)
        for (let i = 0; i < 30; i++) await reader.read(1) // about 960 bytes
        await truncate(path, cut)
        const e = await t.throwsAsync(async () => { for (;;) if ((await reader.read(1)) === undefined) return }, { instanceOf: SourceInputChangedError })
        t.like(e, { step: 'src', path, reason: 'shorter', code: 'ERR_SOURCE_INPUT_CHANGED' })
        t.regex(e!.message, new RegExp(`^step 'src' \\(${kind} source\\): '.+' got shorter while it was read: it had ${text.length} bytes when ` +
          'the job opened it, and a read at byte \\d+ found its end \\(truncated in place, e\\.g\\. logrotate\'s copytruncate, or rewritten\\)'))
        await reader.close!()
      })
    })
  }
}

test('a job whose input is cut while it runs fails instead of completing with part of it', async (t) => {
  t.timeout(30_000)
  await withTempDir(async (dir) => {
    const path = join(dir, 'in.jsonl')
    await writeFile(path, Array.from({ length: 100_000 }, (_, n) => `{"n":${n}}\n`).join(''))
    const job = pipeline('truncated')
      .source('in', sources.jsonl<{ n: number }>(path, { chunkSize: 4096 }))
      .mapAsync('pace', async (r) => { if (r.n % 100 === 0) await sleep(1); return r }, { concurrency: 1 })
      .sink('out', sinks.collect())
      .run({ batchSize: 100 })
    while ((job.metrics().steps.in?.recordsOut ?? 0) < 1000) await sleep(5)
    await truncate(path, 0)
    const e = await t.throwsAsync(job.done)
    t.true(isSourceInputChangedError(e), String(e))
    t.like(e, { step: 'in', reason: 'shorter' })
  })
})
