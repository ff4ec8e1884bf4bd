/**
 * The hand-off between a broker client pushing messages and a source reader pulling them: the
 * pusher waits (`space()`) once `highWater` are queued, so the client stops asking the broker
 * for more — memory stays bounded by the queue, not by the stream. `waitForData(ms, signal)`
 * resolves when a message arrives, the time passes, the signal aborts or a failure is set.
 *
 * @example
 * const q = new MessageQueue<JsMsg>(4096); q.push(m); await q.waitForData(100, signal); q.take(1024)
 */
export class MessageQueue<M> {
  private items: M[] = []
  private head = 0
  private wakeReader: (() => void) | undefined
  private wakePusher: (() => void) | undefined
  failure: unknown

  constructor(private readonly highWater: number) {}

  get size(): number {
    return this.items.length - this.head
  }

  push(item: M): void {
    this.items.push(item)
    this.wakeReader?.()
  }

  /** Ends the waits with a failure the reader throws. */
  fail(e: unknown): void {
    this.failure ??= e
    this.wakeReader?.()
  }

  /** Resolves at once below the high-water mark, otherwise once the reader took some. */
  space(): Promise<void> | undefined {
    if (this.size < this.highWater) return undefined
    return new Promise((resolve) => { this.wakePusher = resolve })
  }

  /** The oldest message, left in the queue. */
  peek(): M | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined
  }

  shift(): M | undefined {
    if (this.head >= this.items.length) return undefined
    const m = this.items[this.head++]
    // Compact now and then, not per message.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    if (this.size < this.highWater) { const w = this.wakePusher; this.wakePusher = undefined; w?.() }
    return m
  }

  waitForData(ms: number, signal: AbortSignal): Promise<void> {
    if (this.size > 0 || this.failure !== undefined || signal.aborted) return Promise.resolve()
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        signal.removeEventListener('abort', done)
        this.wakeReader = undefined
        resolve()
      }
      const timer = setTimeout(done, ms)
      signal.addEventListener('abort', done, { once: true })
      this.wakeReader = done
    })
  }

  /** Unblocks a waiting pusher for good (the reader closed). */
  drain(): void {
    this.items = []
    this.head = 0
    const w = this.wakePusher
    this.wakePusher = undefined
    w?.()
  }
}
