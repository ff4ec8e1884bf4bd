/** Marks an oxiflow error, whichever copy of oxiflow made it (a registered symbol: one for the whole thread). */
const BRAND = Symbol.for('oxiflow.error')

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

  /**
   * `e instanceof X`, for this class and every subclass, is also true for an error of another
   * copy of oxiflow in the same thread whose class, or a class it extends, has X's name. A user's
   * module may load its own copy (a TypeScript module that tsx loads as CommonJS requires
   * oxiflow's files again; another path; another loader — see runtime/modules/module-runs.ts):
   * on a worker, the host runs the sources, sinks and aggregators that copy built, and what
   * they throw — a RecordEncodeError for one record of a batch, a SinkTargetChangedError — must
   * be told apart by the host's own classes.
   */
  static override [Symbol.hasInstance](e: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, e)) return true
    if (typeof e !== 'object' || e === null || (e as { [BRAND]?: unknown })[BRAND] !== true) return false
    for (let p = Object.getPrototypeOf(e) as object | null; p !== null && p !== Error.prototype; p = Object.getPrototypeOf(p) as object | null) {
      if ((p as { constructor?: { name?: unknown } }).constructor?.name === this.name) return true
    }
    return false
  }
}
Object.defineProperty(OxiflowError.prototype, BRAND, { value: true })

/** True for any oxiflow error, also one rebuilt from another thread or made by another copy of oxiflow. */
export function isOxiflowError(e: unknown): e is OxiflowError {
  return e instanceof OxiflowError
}
