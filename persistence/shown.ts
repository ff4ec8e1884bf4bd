// The one value formatter of error messages, in the layer every other may import.

/**
 * A value as an error message shows it: strings quoted, a list of strings as written, numbers,
 * booleans, null and undefined as themselves, a bigint with its `n`; other arrays, objects and
 * functions by their kind — their contents may be large, circular or not serializable.
 *
 * @example
 * shown('12') // '"12"'
 * shown({ id: 1 }) // 'an object'
 */
export function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'function') return 'a function'
  if (Array.isArray(value)) return value.every((v) => typeof v === 'string') ? JSON.stringify(value) : 'an array'
  if (typeof value === 'object' && value !== null) return 'an object'
  return String(value)
}
