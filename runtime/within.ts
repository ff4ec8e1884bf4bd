/**
 * `work`'s value, or undefined once `ms` passed first (the timer is cleared either way and never
 * keeps the process alive). A rejection of `work` rejects. For waits that must not hang a job's
 * own bookkeeping on a host that does not answer.
 *
 * @example
 * const stats = await within(host.stats(), 2_000) // undefined: the host did not answer in 2 s
 */
export async function within<T>(work: T | Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), ms); timer.unref() })
  try {
    return await Promise.race([Promise.resolve(work), late])
  } finally {
    clearTimeout(timer)
  }
}
