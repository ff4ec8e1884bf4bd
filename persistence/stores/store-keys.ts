import { InvalidStoreKeyError } from '../errors/invalid-store-key-error.ts'

const SEGMENT = /^[A-Za-z0-9._~-]+$/

/** Throws InvalidStoreKeyError unless `key` is a valid store key (also used for prefixes, which may end in '/'). */
export function checkKey(key: string, prefix = false): void {
  const parts = (prefix && key.endsWith('/') ? key.slice(0, -1) : key).split('/')
  if (prefix && key === '') return
  if (typeof key !== 'string' || parts.some((p) => !SEGMENT.test(p) || p === '.' || p === '..')) throw new InvalidStoreKeyError(String(key))
}
