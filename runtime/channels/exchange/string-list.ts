import type { JoinedStrings, StringList } from './encoded-batch.ts'

/**
 * Strings up to this length travel joined. V8 copies a slice shorter than 13 characters into a
 * string of its own (SlicedString::kMinLength); a longer slice would point into the joined text
 * and keep all of it alive as long as any one of its strings lives (a key held in state, say).
 */
const MAX_JOINED_LENGTH = 12

/**
 * How many bytes of end offsets `values[0, count)` need joined, or -1 when they must travel as
 * an array (a null, a non-string, or a string too long to slice without pinning the others).
 *
 * @example
 * joinedSize(['a', 'bc'], 2) // 8
 */
export function joinedSize(values: readonly unknown[], count: number): number {
  for (let i = 0; i < count; i++) {
    const value = values[i]
    if (typeof value !== 'string' || value.length > MAX_JOINED_LENGTH) return -1
  }
  return 4 * count
}

/**
 * `values[0, count)` (strings that passed joinedSize) joined into one string, with the end of
 * each written to `ends`. One string clones as one copy of its characters, where an array is
 * cloned and rebuilt string by string: 1,000 short strings cost 38 ns each as an array, 17 ns
 * joined (most of it slicing them apart); a whole round trip (encode, structuredClone with
 * transfer, decode) of 1024-record batches over 1000 keys took 98–106 ns per record joined,
 * 106–116 ns with arrays. Joining and slicing keep every UTF-16 code unit, lone surrogates
 * included.
 *
 * @example
 * joinStrings(['a', 'bc'], 2, ends) // { text: 'abc', ends } with ends = [1, 3]
 */
export function joinStrings(values: readonly unknown[], count: number, ends: Uint32Array): JoinedStrings {
  let end = 0
  for (let i = 0; i < count; i++) {
    end += (values[i] as string).length
    ends[i] = end
  }
  const strings = values.length === count ? values : values.slice(0, count)
  return { text: (strings as string[]).join(''), ends }
}

/**
 * The strings of a list, as an array.
 *
 * @example
 * splitStrings({ text: 'abc', ends: new Uint32Array([1, 3]) }) // ['a', 'bc']
 */
export function splitStrings(list: StringList): readonly (string | null)[] {
  if (!('text' in list)) return list
  const { text, ends } = list
  const out: string[] = []
  let start = 0
  for (let i = 0; i < ends.length; i++) {
    const end = ends[i]!
    out.push(text.slice(start, end))
    start = end
  }
  return out
}
