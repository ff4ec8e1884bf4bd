import { isUtf8 } from 'node:buffer'

const LF = 0x0a
const CR = 0x0d

/**
 * Index of the first `\n` in `buf[from, to)`, or -1. Bytes from `to` on are never scanned: a
 * reused buffer keeps the size of the longest line it held, and searching its stale tail for
 * each chunk made reading a long line quadratic (8 MB line, 4 KiB chunks: 17 GB scanned).
 *
 * @example
 * lfIndex(Buffer.from('ab\ncd\n'), 0, 2) // -1: the first \n is at 2
 */
export function lfIndex(buf: Buffer, from: number, to: number): number {
  return from >= to ? -1 : buf.subarray(0, to).indexOf(LF, from)
}

/**
 * `buf[start, end)` decoded as UTF-8, without a final `\r`.
 *
 * @example
 * lineText(Buffer.from('a,b\r'), 0, 4) // 'a,b'
 */
export function lineText(buf: Buffer, start: number, end: number): string {
  return buf.toString('utf8', start, end > start && buf[end - 1] === CR ? end - 1 : end)
}

/**
 * The texts of the lines in `buf[start, end)` (whole lines: `end` is just past a `\n`, or the
 * end of the file when `endsWithLf` is false), without their `\n` or `\r\n`.
 *
 * `perLine`: decode each line on its own, so a string a record keeps of its line (split does
 * that; JSON.parse copies) pins that line, not the whole chunk (measured: 2,000 kept 13-byte
 * CSV fields held 64 MB when sliced from 30 KB strings). Otherwise decode all at once and cut
 * at `\n`: 15 % faster on 1M JSON lines. Both give the same text, as `\n` never occurs inside
 * a UTF-8 sequence, valid or not.
 *
 * @example
 * decodeLines(Buffer.from('1\r\n2\n'), 0, 5, true, false) // ['1', '2']
 */
export function decodeLines(buf: Buffer, start: number, end: number, endsWithLf: boolean, perLine: boolean): string[] {
  if (perLine) {
    const texts: string[] = []
    const bytes = buf.subarray(0, end) // one view for all lines: searches stop at end (see lfIndex)
    for (let p = start; p < end;) {
      let lf = bytes.indexOf(LF, p)
      if (lf === -1) lf = end
      texts.push(lineText(buf, p, lf))
      p = lf + 1
    }
    return texts
  }
  const texts = buf.toString('utf8', start, end).split('\n')
  if (endsWithLf) texts.pop()
  for (let k = 0; k < texts.length; k++) {
    const t = texts[k]
    if (t.charCodeAt(t.length - 1) === CR) texts[k] = t.slice(0, -1)
  }
  return texts
}

/**
 * The lines of `buf[start, end)` (as decodeLines cuts them) that are not valid UTF-8, by index,
 * each with the offset of its first invalid byte from the line's start; undefined when all are
 * valid. Decoding replaces invalid bytes with U+FFFD without a word, and a record silently
 * changed is worse than one refused. The whole range is checked first (simdutf: GB/s), lines
 * one by one only when it fails, so valid files pay ~nothing.
 *
 * @example
 * invalidUtf8Lines(Buffer.from([0x61, 0x0a, 0x62, 0xff, 0x0a]), 0, 5) // Map { 1 => 1 }
 */
export function invalidUtf8Lines(buf: Buffer, start: number, end: number): Map<number, number> | undefined {
  if (isUtf8(buf.subarray(start, end))) return undefined
  const bad = new Map<number, number>()
  const bytes = buf.subarray(0, end) // searches stop at end (see lfIndex)
  for (let p = start, k = 0; p < end; k++) {
    let lf = bytes.indexOf(LF, p)
    if (lf === -1) lf = end
    if (!isUtf8(buf.subarray(p, lf))) bad.set(k, firstInvalidByte(buf, p, lf) - p)
    p = lf + 1
  }
  return bad
}

/** Index of the first byte in `buf[start, end)` that does not belong to a well-formed UTF-8 sequence (RFC 3629: no overlongs, surrogates or code points above U+10FFFF). */
function firstInvalidByte(buf: Buffer, start: number, end: number): number {
  for (let i = start; i < end;) {
    const b = buf[i]!
    const [n, lo, hi] = b < 0x80 ? [0, 0, 0] : b >= 0xc2 && b <= 0xdf ? [1, 0x80, 0xbf] : b === 0xe0 ? [2, 0xa0, 0xbf]
      : b === 0xed ? [2, 0x80, 0x9f] : b >= 0xe1 && b <= 0xef ? [2, 0x80, 0xbf] : b === 0xf0 ? [3, 0x90, 0xbf]
        : b >= 0xf1 && b <= 0xf3 ? [3, 0x80, 0xbf] : b === 0xf4 ? [3, 0x80, 0x8f] : [-1, 0, 0]
    if (n < 0) return i
    for (let j = 1; j <= n; j++) {
      const c = i + j < end ? buf[i + j]! : -1
      if (c < (j === 1 ? lo : 0x80) || c > (j === 1 ? hi : 0xbf)) return i
    }
    i += n + 1
  }
  return end
}
