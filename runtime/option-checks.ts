import { InvalidOptionError } from './errors/invalid-option-error.ts'
import { shown } from '../persistence/shown.ts'

export { shown }

// The one home of option checks for runtime/ and components/ (both may import runtime/; persistence/
// may not, and InvalidOptionError is the runtime's). Every message reads
// `<where>: options.<option> must be <rule> (got <value>)`, the value written by `shown`
// (persistence/shown.ts: persistence/ writes values with it too).

/**
 * The error for an option outside its rule: `<where>: <named> must be <rule> (got <value>)`.
 * `named` is how the message writes the option (default `options.<option>`; a positional
 * argument such as `n` is written bare).
 *
 * @example
 * throw invalidOption('run(options)', 'retain', 'an integer ≥ 1', 0)
 * // run(options): options.retain must be an integer ≥ 1 (got 0)
 */
export function invalidOption(where: string, option: string, rule: string, value: unknown, named = `options.${option}`): InvalidOptionError {
  return new InvalidOptionError(option, `${where}: ${named} must be ${rule} (got ${shown(value)})`)
}

/**
 * Refuses anything but an object of options, and (with `known`) keys that are none of its options.
 *
 * @example
 * checkObject('redisStream sink', options, "{ url: 'redis://127.0.0.1:6379', key: 'out' }", { url: true, key: true })
 */
export function checkObject<K extends string>(where: string, options: unknown, example: string, known?: Readonly<Record<K, true>>): void {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', `${where}: options must be an object like ${example} (got ${shown(options)})`)
  }
  if (known !== undefined) checkKnownOptions(where, options, known)
}

/**
 * Refuses anything but a non-empty string without whitespace (that matches `pattern` when given).
 *
 * @example
 * checkName('jetstream source', 'stream', 'a.b', 'a stream name without dots', /^[^.]+$/) // throws
 */
export function checkName(where: string, option: string, value: unknown, rule = 'a non-empty string without spaces', pattern?: RegExp): void {
  if (typeof value !== 'string' || value === '' || /\s/.test(value) || (pattern !== undefined && !pattern.test(value))) {
    throw invalidOption(where, option, rule, value)
  }
}

/**
 * Refuses a value that is set and is not a positive (safe) integer.
 *
 * @example
 * checkPositiveInt('jetstream sink', 'retryForMs', -1) // throws: … must be a positive integer (got -1)
 */
export function checkPositiveInt(where: string, option: string, value: unknown): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) > 0)) {
    throw invalidOption(where, option, 'a positive integer', value)
  }
}

/**
 * Refuses a value that is set and is not a boolean.
 *
 * @example
 * checkBoolean('jetstream source', 'stopAtEnd', 'yes') // throws: … must be true or false (got "yes")
 */
export function checkBoolean(where: string, option: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') throw invalidOption(where, option, 'true or false', value)
}

/**
 * Refuses a value that is set and is not a function.
 *
 * @example
 * checkFunction('redisStream source', 'decode', 1) // throws: … must be a function (got 1)
 */
export function checkFunction(where: string, option: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') throw invalidOption(where, option, 'a function', value)
}

/**
 * Refuses an options object holding a key that is none of its options: misspelt, an option would
 * be ignored and its default used (`maxOutOfOrderliness: 5000` ran with no out-of-orderness).
 * Names the closest option. Keys set to `undefined` pass (spread objects often carry them), as do
 * values that are not objects (other checks refuse them).
 *
 * @example
 * checkKnownOptions('run(options)', { worker: 2 }, { workers: true, module: true })
 * // throws: run(options): 'worker' is not an option (did you mean 'workers'?); the options are workers, module
 */
export function checkKnownOptions<K extends string>(where: string, options: unknown, known: Readonly<Record<K, true>>): void {
  if (typeof options !== 'object' || options === null) return
  for (const key of Object.keys(options)) {
    if (Object.hasOwn(known, key) || (options as Record<string, unknown>)[key] === undefined) continue
    const names = Object.keys(known)
    const near = closest(key, names)
    throw new InvalidOptionError(key, `${where}: '${key}' is not an option${near === undefined ? '' : ` (did you mean '${near}'?)`}; the options are ${names.join(', ')}`)
  }
}

/**
 * ` (it has 'onbatch': did you mean onBatch?)` when one of `value`'s keys nearly is `name`, else ''.
 *
 * @example
 * `.process needs an Oxi with onBatch${nearKey(oxi, 'onBatch')}`
 */
export function nearKey(value: unknown, name: string): string {
  const near = typeof value === 'object' && value !== null ? closest(name, Object.keys(value)) : undefined
  return near === undefined ? '' : ` (it has '${near}': did you mean ${name}?)`
}

/**
 * The name nearest to `word` by edit distance (case ignored; a swap of two letters counts one), if
 * within a quarter of its length (at least 1); else a name that one of them begins with, the other
 * adding only a suffix — a unit left off or added ('maxWait' → 'maxWaitMs', 'checkpointIntervalMs'
 * → 'checkpointInterval').
 */
function closest(word: string, names: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Math.max(1, Math.floor(word.length / 4)) + 1
  const w = word.toLowerCase()
  for (const name of names) {
    const d = editDistance(w, name.toLowerCase())
    if (d < bestDistance) [best, bestDistance] = [name, d]
  }
  return best ?? (w.length >= 4 ? names.find((name) => name.toLowerCase().startsWith(w) || (name.length >= 4 && w.startsWith(name.toLowerCase()))) : undefined)
}

/** Levenshtein distance with adjacent transpositions (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1)
      d[i]![j] = v
    }
  }
  return d[a.length]![b.length]!
}
