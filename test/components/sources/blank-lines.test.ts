// Which lines a line source skips as blank (isBlank): exactly those that trim to nothing, for
// any text, Unicode whitespace included — against String.prototype.trim as the oracle.
import test from 'ava'
import fc from 'fast-check'
import { isBlank } from '../../../components/sources/split-reader.ts'

/** Every character JavaScript's trim() removes, and some it keeps (printable, control, non-ASCII). */
const SPACES = ' \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff'
const OTHERS = '{}"ax0~\u0000\u0001\u001f\u007f\u0085\u00ff\u200b\u2060\ud83d\ude00'

test('isBlank(text) is text.trim() === "" for texts of whitespace and other characters', (t) => {
  const seed = Date.now() % 2 ** 31
  t.log(`fast-check seed ${seed}`)
  const char = fc.constantFrom(...SPACES, ...OTHERS)
  fc.assert(fc.property(fc.oneof(fc.string({ unit: char, maxLength: 6 }), fc.string({ unit: 'grapheme', maxLength: 6 })), (text) => isBlank(text) === (text.trim() === '')),
    { numRuns: 5000, seed })
  for (const c of SPACES) t.true(isBlank(c.repeat(3)), `U+${c.charCodeAt(0).toString(16)} alone is blank`)
  for (const c of OTHERS) t.false(isBlank(` ${c}`), `U+${c.charCodeAt(0).toString(16)} after a space is not blank`)
})
