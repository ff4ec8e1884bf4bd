import { invalidOption } from '../../runtime/option-checks.ts'

/**
 * Refuses NATS servers that are not a non-empty string or a non-empty list of them.
 *
 * @example
 * checkServers('jetstream source', []) // throws: … options.servers must be a server address or a list of them, … (got [])
 */
export function checkServers(component: string, value: unknown): void {
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : undefined
  if (list === undefined || list.length === 0 || list.some((s) => typeof s !== 'string' || s === '')) {
    throw invalidOption(component, 'servers', "a server address or a list of them, e.g. '127.0.0.1:4222'", value)
  }
}
