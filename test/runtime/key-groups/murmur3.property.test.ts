import test from 'ava'
import fc from 'fast-check'
import { murmur3 } from '../../../runtime/key-groups/murmur3.ts'

/** MurmurHash3 x86 32 as the reference describes it, over TextEncoder's bytes: the oracle. */
function reference(text: string, seed: number): number {
  const data = new TextEncoder().encode(text)
  const c1 = 0xcc9e2d51
  const c2 = 0x1b873593
  let h = seed >>> 0
  const blocks = data.length >> 2
  for (let i = 0; i < blocks; i++) {
    let k = data[4 * i] | (data[4 * i + 1] << 8) | (data[4 * i + 2] << 16) | (data[4 * i + 3] << 24)
    k = Math.imul(k, c1); k = (k << 15) | (k >>> 17); k = Math.imul(k, c2)
    h ^= k; h = (h << 13) | (h >>> 19); h = (Math.imul(h, 5) + 0xe6546b64) | 0
  }
  let k = 0
  const tail = blocks * 4
  const rest = data.length & 3
  if (rest >= 3) k ^= data[tail + 2] << 16
  if (rest >= 2) k ^= data[tail + 1] << 8
  if (rest >= 1) { k ^= data[tail]; k = Math.imul(k, c1); k = (k << 15) | (k >>> 17); k = Math.imul(k, c2); h ^= k }
  h ^= data.length
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16
  return h >>> 0
}

test('murmur3 equals the reference over TextEncoder bytes for any string (lone surrogates, astral, long) and seed', (t) => {
  const seed = Date.now() % 2 ** 31
  t.log(`fast-check seed ${seed}`)
  fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme', maxLength: 300 })), fc.nat(),
    (s, h) => murmur3(s, h) === reference(s, h)), { numRuns: 5_000, seed })
  t.is(murmur3('hello'), 613153351)
})
