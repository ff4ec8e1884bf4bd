/**
 * Exact sums of doubles as floating-point expansions (Shewchuk 1997, "Adaptive Precision
 * Floating-Point Arithmetic"; the algorithm of Python's `math.fsum`): an array of non-overlapping
 * doubles, smallest magnitude first, whose exact sum is the value. Adding and subtracting are
 * exact, so a sliding sum never drifts; an expansion rarely grows past 3 parts and never past
 * about 40 (the exponent range / 53 bits). Exact while no part overflows.
 *
 * @example
 * const e: number[] = []
 * expansionAdd(e, 1e100); expansionAdd(e, 1); expansionAdd(e, -1e100)
 * expansionValue(e) // 1
 */
export function expansionAdd(parts: number[], x: number): void {
  let k = 0
  for (let i = 0; i < parts.length; i++) {
    let y = parts[i]!
    if (Math.abs(x) < Math.abs(y)) {
      const t = x
      x = y
      y = t
    }
    const hi = x + y
    const lo = y - (hi - x) // exact error of hi, since |x| >= |y| (Fast2Sum)
    if (lo !== 0) parts[k++] = lo
    x = hi
  }
  parts.length = k
  parts.push(x)
}

const SPLITTER = 134217729 // 2^27 + 1: Veltkamp's split of a double into two 26-bit halves

/**
 * Adds the exact product `a × b` (Dekker's TwoProduct: the rounded product plus its rounding
 * error, both doubles). Exact while |a|, |b| < 1e300 and the product does not underflow
 * (a product below ~1e-290 loses bits below 1e-300, absolutely negligible).
 *
 * @example
 * const e: number[] = []; expansionAddProduct(e, 1e8 + 1, 1e8 + 1) // e holds 1e16 + 2e8 + 1 exactly
 */
export function expansionAddProduct(parts: number[], a: number, b: number): void {
  const p = a * b
  let c = SPLITTER * a
  const ah = c - (c - a)
  const al = a - ah
  c = SPLITTER * b
  const bh = c - (c - b)
  const bl = b - bh
  const e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
  expansionAdd(parts, p)
  if (e !== 0) expansionAdd(parts, e)
}

/**
 * The expansion's exact value rounded to the nearest double (ties to even), as `math.fsum` does.
 *
 * @example
 * expansionValue([1, 1e100]) // 1e100
 */
export function expansionValue(parts: readonly number[]): number {
  let n = parts.length
  if (n === 0) return 0
  let hi = parts[--n]!
  let lo = 0
  // Add parts from the largest down until one addition is inexact: below that, the rest only
  // matters for a tie in rounding hi + lo.
  while (n > 0) {
    const x = hi
    const y = parts[--n]!
    hi = x + y
    lo = y - (hi - x)
    if (lo !== 0) break
  }
  // hi + lo rounded half-way to even; when the parts below point the same way as lo, the true
  // value is past the half-way point, so round away from hi.
  if (n > 0 && ((lo < 0 && parts[n - 1]! < 0) || (lo > 0 && parts[n - 1]! > 0))) {
    const y = lo * 2
    const x = hi + y
    if (y === x - hi) hi = x
  }
  return hi
}
