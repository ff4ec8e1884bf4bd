import { InvalidStoreKeyError } from './invalid-store-key-error.ts'

const SEGMENT = /^[A-Za-z0-9._~-]+$/

/**
 * Throws InvalidStoreKeyError unless `key` is a '/'-separated path of non-empty
 * [A-Za-z0-9._~-] segments other than '.' and '..'. As a `prefix`, '' (everything) and a
 * trailing '/' are allowed too. The rule keeps every key a safe relative file path for the file
 * store and a plain string for the others.
 *
 * @example
 * checkStoreKey('pipelines/clicks/run') // ok
 * checkStoreKey('a/../b')               // throws: segment 2 is '..'
 */
export function checkStoreKey(key: string, what: 'key' | 'prefix' | 'lease name' = 'key'): void {
  if (typeof key !== 'string') throw new InvalidStoreKeyError(what, String(key), `it is a ${typeof key}, not a string`)
  if (what === 'prefix' && key === '') return
  const parts = (what === 'prefix' && key.endsWith('/') ? key.slice(0, -1) : key).split('/')
  parts.forEach((p, i) => {
    if (p === '') throw new InvalidStoreKeyError(what, key, `segment ${i + 1} is empty`)
    if (p === '.' || p === '..') throw new InvalidStoreKeyError(what, key, `segment ${i + 1} is '${p}'`)
    if (!SEGMENT.test(p)) {
      const bad = [...p].find((c) => !SEGMENT.test(c))!
      throw new InvalidStoreKeyError(what, key, `segment ${i + 1} '${p}' contains ${JSON.stringify(bad)}`)
    }
  })
}
