/**
 * How the `oxiflow` command is being run.
 *
 * @example
 * const options: CommandOptions = { ownsThread: true } // bin/oxiflow.mjs
 */
export interface CommandOptions {
  /**
   * This thread runs nothing but the command (the `oxiflow` executable), so `run` may take the
   * module's run() calls thread-wide while it loads it, without the AsyncLocalStorage that would
   * make every promise of the job pay async hooks (see runtime/modules/load-module.ts). Leave it
   * unset where other code of the thread runs pipelines meanwhile (tests calling main()).
   */
  readonly ownsThread?: boolean
}
