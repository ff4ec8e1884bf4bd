// A line much longer than a chunk is read in time linear in its bytes: each chunk inside it
// starts no line, and finding that out must not scan the line again (nor the stale tail of the
// buffer the line grew). Checked structurally, not by timing: every Buffer#indexOf in this
// process (each test file runs in its own; the tests run serially) is counted by the bytes it looked at. Before the fix
// a 256 KiB line at chunkSize 64 looked at ~1 GB (each of its 4,096 chunks scanned the buffer).
import test from 'ava'
import fc from 'fast-check'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { LineReader } from '../../../components/sources/line-reader.ts'
import { withTempDir } from '../../fixtures/components/contexts.ts'
import { oracleLines } from '../../fixtures/components/line-files.ts'

/** Bytes looked at by Buffer#indexOf while `body` runs: from the start offset to the match, or to the end of the buffer. */
async function bytesSearched(body: () => Promise<void>): Promise<number> {
  const indexOf = Buffer.prototype.indexOf
  let searched = 0
  Buffer.prototype.indexOf = function (this: Buffer, value: string | number | Uint8Array, byteOffset?: number | BufferEncoding, encoding?: BufferEncoding) {
    const at = indexOf.call(this, value, byteOffset as number, encoding)
    const from = typeof byteOffset === 'number' ? (byteOffset < 0 ? Math.max(0, this.length + byteOffset) : byteOffset) : 0
    searched += Math.max(0, (at === -1 ? this.length : at + 1) - from)
    return at
  }
  try {
    await body()
  } finally {
    Buffer.prototype.indexOf = indexOf
  }
  return searched
}

function jsonLine(bytes: number): string {
  return `{"s":"${'x'.repeat(bytes - 9)}"}\n`
}

/** Reads every chunk of `path` in order, as a single split does; returns the number of lines. */
async function readLines(path: string, chunkSize: number): Promise<number> {
  const lines = await LineReader.open(path, chunkSize, 'jsonl')
  let n = 0
  try {
    for (let c = 0, chunk; (chunk = await lines.chunk(c, false, c + 1)) !== undefined; c++) n += chunk.texts.length
  } finally {
    await lines.close()
  }
  return n
}

// A long line first (it grows the reader's buffer), then lines longer than the read-ahead (each
// needs the window extended: the searches must stop at the bytes read, not scan the buffer's
// stale tail), then short ones; and a long last line without `\n`.
const shapes = [
  { name: 'one 256 KiB line', text: jsonLine(256 * 1024) },
  { name: 'a 256 KiB line, then 2 KiB lines, then short lines', text: jsonLine(256 * 1024) + jsonLine(2048).repeat(64) + jsonLine(40).repeat(500) },
  { name: 'short lines, then a last 256 KiB line without \\n', text: jsonLine(40).repeat(500) + jsonLine(256 * 1024).slice(0, -1) },
]

for (const { name, text } of shapes) {
  for (const chunkSize of [64, 1024, 65_536]) {
    test.serial(`${name} at chunkSize ${chunkSize}: the searches for \\n look at each byte of the file at most twice`, async (t) => {
      await withTempDir(async (dir) => {
        const path = join(dir, 'in.jsonl')
        await writeFile(path, text)
        let lines = 0
        const searched = await bytesSearched(async () => { lines = await readLines(path, chunkSize) })
        t.is(lines, oracleLines(text).length)
        const size = Buffer.byteLength(text)
        t.true(searched <= 2 * size, `searched ${searched} bytes for a file of ${size} (${(searched / size).toFixed(1)}×)`)
      })
    })
  }
}

/** Lines mostly short, some far longer than any chunk tried, some with multi-byte characters. */
const lineText: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 3000 }).map((n) => 'y'.repeat(n)) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('é', '🙂', 'a'), minLength: 30, maxLength: 300 }) },
)

const file = fc.record({
  bom: fc.boolean(),
  lines: fc.array(fc.record({ text: lineText.map((s) => s.replace(/[\r\n]/g, '')), end: fc.constantFrom('\n', '\r\n') }), { maxLength: 20 }),
  lastEnds: fc.boolean(),
}).map(({ bom, lines, lastEnds }) => (bom ? '\uFEFF' : '') +
  lines.map((l, i) => l.text + (i === lines.length - 1 && !lastEnds ? '' : l.end)).join(''))

test.serial('chunks read in any order give the lines starting in them, with their bytes and where the next line starts, long lines included', async (t) => {
  await withTempDir(async (dir) => {
    let fileNo = 0
    await fc.assert(fc.asyncProperty(file, fc.integer({ min: 1, max: 64 }), fc.integer({ min: 0, max: 2 ** 31 }), async (text, chunkSize, seed) => {
      const path = join(dir, `in-${fileNo++}.txt`)
      await writeFile(path, text)
      const size = Buffer.byteLength(text)
      const oracle = oracleLines(text)
      const chunks = Math.ceil(size / chunkSize)
      // In order (as one split reads), then in a shuffled order (as after a restore), on one reader.
      const order = [...Array(chunks).keys()]
      const shuffled = [...order]
      for (let i = shuffled.length - 1, s = seed; i > 0; i--) {
        s = (s * 1103515245 + 12345) % 2 ** 31
        const j = s % (i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]]
      }
      const lines = await LineReader.open(path, chunkSize, 'test')
      try {
        for (const [k, c] of [...order, ...shuffled].entries()) {
          const mine = oracle.filter((l) => Math.floor(l.byte / chunkSize) === c)
          const next = oracle.find((l) => l.byte >= (c + 1) * chunkSize)
          const chunkEnd = Math.min((c + 1) * chunkSize, size)
          const got = await lines.chunk(c, k % 2 === 0, k + 1 < order.length ? order[k + 1] : undefined)
          if (got === undefined) return t.fail(`chunk ${c} of ${chunks} was undefined`)
          t.deepEqual(got.texts, mine.map((l) => l.text), `texts of chunk ${c}`)
          t.is(got.byte, mine.length > 0 ? mine[0].byte : chunkEnd, `byte of chunk ${c}`)
          t.is(got.end, mine.length > 0 ? next?.byte ?? size : chunkEnd, `end of chunk ${c}`)
          t.is(got.invalidUtf8, undefined)
          mine.forEach((l, i) => t.is(lines.lineByte(i), l.byte, `byte of line ${i} of chunk ${c}`))
        }
        t.is(await lines.chunk(chunks, false), undefined)
      } finally {
        await lines.close()
      }
    }), { numRuns: 150 })
  })
})
