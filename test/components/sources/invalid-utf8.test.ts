import test from 'ava'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline, sinks, sources, type DeadLetter } from '../../../index.ts'

// Lines as bytes: valid ones, and ones a UTF-8 decoder would silently turn into U+FFFD. The
// oracle is TextDecoder in fatal mode, line by line — not the code under test.
const utf8 = (s: string) => Buffer.from(s, 'utf8')
const jsonLines: Buffer[] = [
  utf8('{"n":1,"s":"plain"}'),
  Buffer.concat([utf8('{"n":2,"s":"caf'), Buffer.from([0xe9]), utf8('"}')]), // Latin-1 é
  utf8('{"n":3,"s":"a real \uFFFD, encoded as UTF-8"}'), // valid: U+FFFD itself is fine
  Buffer.concat([utf8('{"n":4,"s":"'), Buffer.from([0xc0, 0xaf]), utf8('"}')]), // overlong '/'
  Buffer.concat([utf8('{"n":5,"s":"'), Buffer.from([0xed, 0xa0, 0x80]), utf8('"}')]), // a UTF-16 surrogate
  utf8('{"n":6,"s":"🙂 é €"}'),
  Buffer.concat([utf8('{"n":7,"s":"cut '), Buffer.from([0xf0, 0x9f, 0x99])]), // truncated at the end of the file
]
const fatal = new TextDecoder('utf-8', { fatal: true })
function validUtf8(b: Buffer): boolean {
  try { fatal.decode(b); return true } catch { return false }
}

async function fileOf(t: { teardown(f: () => Promise<void>): void }, name: string, lines: readonly Buffer[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-utf8-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const path = join(dir, name)
  await writeFile(path, Buffer.concat(lines.flatMap((l, i) => i === lines.length - 1 ? [l] : [l, Buffer.from('\n')])))
  return path
}

for (const chunkSize of [16, 65_536]) {
  test(`jsonl (chunkSize ${chunkSize}): lines that are not UTF-8 are rejected through onError, the rest read unchanged`, async (t) => {
    const path = await fileOf(t, 'in.jsonl', jsonLines)
    const s = await pipeline('utf8-jsonl')
      .source('in', sources.jsonl(path, { chunkSize }), { onError: { deadLetter: sinks.collect<DeadLetter>() } })
      .sink('out', sinks.collect())
      .run().done
    t.deepEqual(s.results.out, jsonLines.filter(validUtf8).map((b) => JSON.parse(fatal.decode(b))))
    const offsets = jsonLines.map((b, i) => validUtf8(b) ? undefined : `${path} line ${i + 1} byte ${jsonLines.slice(0, i).reduce((n, l) => n + l.length + 1, 0)}`)
    t.deepEqual((s.deadLetters.in as DeadLetter[]).map((d) => d.offset), offsets.filter((o) => o !== undefined))
    t.is(s.steps.in.failed, 4)
  })
}

test("jsonl under 'fail': the job fails with a RecordParseError naming the file, line, byte and the bad byte", async (t) => {
  const path = await fileOf(t, 'in.jsonl', jsonLines)
  const error = await t.throwsAsync(pipeline('utf8-fail').source('in', sources.jsonl(path)).sink('out', sinks.collect()).run().done)
  const before = jsonLines[0]!.length + 1
  const badAt = utf8('{"n":2,"s":"caf').length
  t.true(error!.message.startsWith(`step 'in' failed at ${path} line 2 byte ${before}: invalid UTF-8 at byte ${badAt} of the line (decoding would replace it with U+FFFD); ` +
    'the file is in another encoding (e.g. Latin-1: convert it with iconv -f latin1 -t utf-8) or damaged'), error!.message)
})

test('csv: a row that is not UTF-8 is skipped and counted under onError skip; valid rows read unchanged', async (t) => {
  const rows = [utf8('name,city'), utf8('ann,Zürich'), Buffer.concat([utf8('bob,Z'), Buffer.from([0xfc]), utf8('rich')]), utf8('cy,Köln')]
  const path = await fileOf(t, 'in.csv', rows)
  const s = await pipeline('utf8-csv').source('in', sources.csv(path), { onError: 'skip' }).sink('out', sinks.collect()).run().done
  t.deepEqual(s.results.out, [{ name: 'ann', city: 'Zürich' }, { name: 'cy', city: 'Köln' }])
  t.is(s.steps.in.failed, 1)
})
