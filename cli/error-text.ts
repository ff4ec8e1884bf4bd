import { isUsageError } from './usage-error.ts'

/**
 * The text the CLI prints on stderr for an error. oxiflow's messages already say what, where and
 * the fix, so they print alone; other errors get their name and a pointer to OXIFLOW_DEBUG. With
 * `debug` (OXIFLOW_DEBUG=1), the stack and each cause's stack follow.
 *
 * `during` names what was under way when it is not the job itself, e.g. `loading m.ts`.
 *
 * @example
 * process.stderr.write(errorText(e, process.env.OXIFLOW_DEBUG === '1'))
 */
export function errorText(e: unknown, debug: boolean, during?: string): string {
  const err = e as { name?: unknown; code?: unknown; message?: unknown; stack?: unknown; cause?: unknown } | null
  const ours = typeof err?.code === 'string' && err.code.startsWith('ERR_') && typeof err.message === 'string'
  const lines = [`oxiflow: ${during ? `${during} failed: ` : ''}${ours ? err!.message as string : describe(e)}`]
  if (isUsageError(e)) {
    lines.push(`Run 'oxiflow ${e.command ? `${e.command} ` : ''}--help' for usage.`)
  } else if (debug) {
    for (let c: unknown = e, depth = 0; c instanceof Error && depth < 8; c = c.cause, depth++) {
      lines.push(depth === 0 ? String(c.stack) : `Caused by: ${String(c.stack)}`)
    }
  } else if (!ours) {
    lines.push('Set OXIFLOW_DEBUG=1 to see the stack.')
  }
  return lines.join('\n') + '\n'
}

function describe(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`
  return `non-error thrown: ${String(e)}`
}
