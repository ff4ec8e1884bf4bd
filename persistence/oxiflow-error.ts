/**
 * Base of every error a user can cause. `code` is stable for scripts; the message says what
 * went wrong, where, and what to do.
 *
 * @example
 * try { await job.done } catch (e) { if (isOxiflowError(e)) console.error(e.code, e.message) }
 */
export class OxiflowError extends Error {
  override readonly name: string = 'OxiflowError'
  constructor(readonly code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/** True for any oxiflow error, also one rebuilt from another thread. */
export function isOxiflowError(e: unknown): e is OxiflowError {
  return e instanceof OxiflowError
}
