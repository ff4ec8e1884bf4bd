import { InvalidOptionError } from '../../runtime/errors/invalid-option-error.ts'

/** The value as a message shows it. */
export function shown(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? JSON.stringify(v) : String(v)
}

/** Refuses anything but an object of options. */
export function checkObject(component: string, options: unknown, exampleText: string): void {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', `${component}: options must be an object like ${exampleText} (got ${shown(options)})`)
  }
}

/** Refuses anything but a non-empty string without whitespace (that matches `pattern` when given). */
export function checkName(component: string, option: string, value: unknown, rule = 'a non-empty string without spaces', pattern?: RegExp): void {
  if (typeof value !== 'string' || value === '' || /\s/.test(value) || (pattern !== undefined && !pattern.test(value))) {
    throw new InvalidOptionError(option, `${component}: options.${option} must be ${rule} (got ${shown(value)})`)
  }
}

/** Refuses a value that is set and is not a positive integer. */
export function checkPositiveInt(component: string, option: string, value: unknown): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) > 0)) {
    throw new InvalidOptionError(option, `${component}: options.${option} must be a positive integer (got ${shown(value)})`)
  }
}

/** Refuses a value that is set and is not a boolean. */
export function checkBoolean(component: string, option: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new InvalidOptionError(option, `${component}: options.${option} must be true or false (got ${shown(value)})`)
  }
}

/** Refuses a value that is set and is not a function. */
export function checkFunction(component: string, option: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new InvalidOptionError(option, `${component}: options.${option} must be a function (got ${shown(value)})`)
  }
}

/** Refuses NATS servers that are not a non-empty string or list of them. */
export function checkServers(component: string, value: unknown): void {
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : undefined
  if (list === undefined || list.length === 0 || list.some((s) => typeof s !== 'string' || s === '')) {
    throw new InvalidOptionError('servers', `${component}: options.servers must be a server address or a list of them, e.g. '127.0.0.1:4222' (got ${shown(value)})`)
  }
}
