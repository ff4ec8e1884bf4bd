/**
 * Ctrl-C handling while a job runs: the first SIGINT or SIGTERM asks the job to stop gracefully
 * (once); a second one exits at once with code 130. `dispose` removes the handlers.
 *
 * @example
 * const signals = stopOnSignal(() => job.stop(), (l) => process.stderr.write(l + '\n'))
 * try { await job.done } finally { signals.dispose() }
 */
export function stopOnSignal(stop: () => Promise<unknown>, log: (line: string) => void,
  exit: (code: number) => void = exitAtOnce): { dispose(): void } {
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

/**
 * Ends the process now, with status 130. process.exit() can hang: at exit Node joins libuv's
 * threads, and one blocked in a system call (an open() of a FIFO that has no writer, a hung
 * network filesystem) never returns. So the process dies by SIGINT with its default action
 * (status 130 in a shell), which nothing in the process can delay. PID 1 (a container's init)
 * ignores default-action signals, so there it exits the ordinary way.
 */
function exitAtOnce(code: number): void {
  if (process.pid !== 1) {
    process.removeAllListeners('SIGINT')
    process.kill(process.pid, 'SIGINT')
  }
  process.exit(code) // PID 1, or the signal was not delivered at once
}
