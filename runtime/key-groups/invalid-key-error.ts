import { OxiflowError } from '../errors/oxiflow-error.ts'

/**
 * A keyBy function returned something that is not a key (see runtime/key-groups/key.ts): an
 * object, an array, a symbol, a function, null or undefined. It is a bug in the keyBy function,
 * not in one record, so no `onError` policy applies: the step fails with a StepError whose cause
 * is this error, inline and on workers alike. `keyType` names what was returned.
 *
 * @example
 * // .keyBy((r) => r.user) with r.user = { id: 1 }
 * new InvalidKeyError({ id: 1 }) // keyType 'object'
 */
export class InvalidKeyError extends OxiflowError {
  override readonly name = 'InvalidKeyError'
  readonly keyType: string
  constructor(key: unknown) {
    const [keyType, shown, hint] = describeKey(key)
    super('ERR_INVALID_KEY', `keyBy returned ${shown}; a key must be a string, a number, a boolean or a bigint ` +
      `(anything else would be routed by String(key) but looked up by identity)${hint}`)
    this.keyType = keyType
  }
}

/**
 * True for an InvalidKeyError.
 *
 * @example
 * if (isStepError(e) && isInvalidKeyError(e.cause)) console.error(e.step, e.cause.keyType)
 */
export function isInvalidKeyError(e: unknown): e is InvalidKeyError {
  return e instanceof InvalidKeyError
}

const COMPOSITE = '; return a primitive field, e.g. .keyBy((r) => r.user.id), or join a composite key: .keyBy((r) => `${r.a}|${r.b}`)'

function describeKey(key: unknown): [type: string, shown: string, hint: string] {
  if (key === undefined || key === null) {
    return [String(key), String(key), '; does every record have that field? filter records without one out before keyBy, or give them a default key']
  }
  if (typeof key === 'symbol') return ['symbol', `a symbol (${String(key)})`, '; symbols cannot cross threads or be checkpointed — use its description or a string']
  if (typeof key === 'function') return ['function', 'a function', '; call it, or key by a field of the record']
  if (key instanceof Date) return ['Date', 'a Date', '; use date.getTime() or date.toISOString()']
  const type = Array.isArray(key) ? 'array' : (key as object).constructor?.name && (key as object).constructor !== Object ? (key as object).constructor.name : 'object'
  return [type, `${type === 'array' ? 'an array' : type === 'object' ? 'an object' : `a ${type}`} (${preview(key)})`, COMPOSITE]
}

function preview(key: unknown): string {
  let text: string | undefined
  try {
    text = JSON.stringify(key)
  } catch {
    // A cycle or a bigint inside: the type already says enough.
  }
  if (text === undefined) return '…'
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}
