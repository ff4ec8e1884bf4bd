/**
 * Runs sections one at a time, in order — except that urgent ones go before every waiting one.
 * The file store's lease renewals are urgent: in one FIFO they waited behind every fenced put
 * queued before them (a checkpoint of many blobs, several partitions' at once), and under load a
 * renewal outlived its lease's TTL, so another runner took a partition over from a live one.
 *
 * @example
 * const sections = new SectionQueue(); await sections.run(() => renew(), true)
 */
export class SectionQueue {
  private busy = false
  private readonly urgent: Array<() => void> = []
  private readonly waiting: Array<() => void> = []

  run<T>(f: () => Promise<T>, urgent = false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = (): void => {
        Promise.resolve().then(f).then(resolve, reject).finally(() => {
          this.busy = false
          this.next()
        })
      }
      ;(urgent ? this.urgent : this.waiting).push(start)
      this.next()
    })
  }

  private next(): void {
    if (this.busy) return
    const start = this.urgent.shift() ?? this.waiting.shift()
    if (start === undefined) return
    this.busy = true
    start()
  }
}
