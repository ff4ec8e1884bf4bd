import test from 'ava'
import fc from 'fast-check'
import { LineCounter } from '../../../components/sources/line-counter.ts'

/** A counter over `bytes`, adding up how many bytes it reads. */
function counterOver(bytes: Buffer) {
  const stats = { read: 0 }
  const counter = new LineCounter(async (into, length, at) => {
    const n = bytes.copy(into, 0, at, Math.min(at + length, bytes.length))
    stats.read += n
    return n
  })
  return { counter, stats }
}

test('lineAt(byte) is 1 + the number of \\n before byte, whatever order it is asked in', async (t) => {
  await fc.assert(fc.asyncProperty(fc.string({ unit: fc.constantFrom('a', '\n', 'é', '\r') }), fc.array(fc.nat()), async (text, asks) => {
    const bytes = Buffer.from(text)
    const { counter } = counterOver(bytes)
    for (const ask of asks) {
      const byte = ask % (bytes.length + 1)
      let expected = 1
      for (let i = 0; i < byte; i++) if (bytes[i] === 0x0a) expected++
      if (await counter.lineAt(byte) !== expected) return false
      if (counter.known(byte) !== expected) return false
    }
    return true
  }), { numRuns: 300 })
  t.pass()
})

test('asked further on, it counts only the bytes since the last answer or remembered line', async (t) => {
  const bytes = Buffer.from('x\n'.repeat(3_000_000)) // 6 MB: several blocks
  const { counter, stats } = counterOver(bytes)
  t.is(await counter.lineAt(2_000_000), 1_000_001)
  t.is(await counter.lineAt(4_000_000), 2_000_001)
  t.is(stats.read, 4_000_000)
  counter.remember(5_000_000, 2_500_001)
  t.is(counter.known(5_000_000), 2_500_001)
  t.is(counter.known(5_000_002), undefined)
  t.is(await counter.lineAt(5_000_010), 2_500_006)
  t.is(stats.read, 4_000_010)
  t.is(await counter.lineAt(10), 6) // before the known line: from byte 0 again
  t.is(stats.read, 4_000_020)
})
