/**
 * Ctrl-C handling while a job runs: the first SIGINT or SIGTERM asks the job to stop gracefully
 * (once); a second one exits at once with code 130. `dispose` removes the handlers.
 *
 * @example
 * const signals = stopOnSignal(() => job.stop(), (l) => process.stderr.write(l + '\n'))
 * try { await job.done } finally { signals.dispose() }
 */
export function stopOnSignal(stop: () => Promise<unknown>, log: (line: string) => void,
  exit: (code: number) => void = (code) => process.exit(code)): { dispose(): void } {
  let stopping = false
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log(`${signal} again: exiting now without waiting for the job to stop`)
      exit(130)
      return
    }
    stopping = true
    log(`${signal}: stopping the job gracefully (Ctrl-C again to exit at once)`)
    // job.done reports how the stop went; this promise's own rejection would only repeat it.
    stop().catch(() => undefined)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return {
    dispose() {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    },
  }
}
