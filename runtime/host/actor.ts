import { Subject } from '../rx.ts'
import type { InputChannel } from '../channels/channel-ends.ts'
import type { CheckpointBarrier, Message } from '../messages.ts'
import type { Output } from '../operators/operator.ts'
import type { OrderedGroup } from '../plan/ordered-inputs.ts'
import type { Router } from './router.ts'
import { andThen, type Maybe } from '../maybe.ts'
import { Mailbox } from './mailbox.ts'
import { BatchSlices } from './batch-slices.ts'

type Tick = () => Maybe<void>

/**
 * One running instance of a vertex with inputs. Its input channels (RxJS observables) and its
 * timer ticks go into one mailbox and are handled one message at a time, in arrival order, so the
 * chain it runs needs no locks. A batch's credit goes back to its channel only after the batch
 * was handled, which is what bounds memory. Watermarks: the lowest over the inputs. End: once
 * every input ended. Barriers are aligned: an input that delivered barrier n is held back until
 * all have.
 */
export class Actor {
  readonly finished: Promise<void>
  private resolveFinished!: () => void
  private rejectFinished!: (e: unknown) => void
  private readonly ticks = new Subject<Tick>()
  private readonly mailbox: Mailbox<Message | Tick>
  private readonly inputWatermarks: number[]
  private readonly endedInputs = new Set<number>()
  private watermark = -Infinity
  private allFinal = true
  private aligning: { barrier: CheckpointBarrier; arrived: Set<number>; since: number } | undefined
  /** Barrier alignment: from the first input's barrier to the last one's (inputs that delivered it wait meanwhile). */
  readonly alignment = { count: 0, totalMs: 0, maxMs: 0, lastMs: 0 }
  private held = new Map<number, Message[]>()
  private done = false
  /** A batch whose records are slow goes down the chain in slices, a turn of the event loop between them (batch-slices.ts). */
  private readonly slices = new BatchSlices()
  private readonly chain = (records: readonly unknown[]): Maybe<void> => this.head.batch(records)
  /** Every input ended, all of them final, and the chain's end ran (not a stop): see `restoreEnded`. */
  endedFinal = false
  /** Restored from a checkpoint taken after this instance had ended. */
  private endedBefore = false
  /** Ordered merge: messages per input, waiting for their turn (see `orderedInputs`). */
  private readonly queues: Message[][]
  /** Per ordered group: the sequence number due next, and whether its due sender ended (the rest is taken as it comes). */
  private readonly expected: number[]
  private readonly draining: boolean[]
  /** Inputs in no ordered group (an edge from a vertex that numbers nothing): taken as they come. */
  private readonly loose: number[]

  constructor(
    readonly name: string,
    private readonly inputs: readonly InputChannel[],
    private readonly head: Output,
    private readonly router: Router | undefined,
    private readonly onAligned: (barrier: CheckpointBarrier) => Maybe<void>,
    private readonly ordered: readonly OrderedGroup[] | undefined,
    /** This vertex is sequenced: each input batch's seq brackets what the chain emits for it. */
    private readonly sequenced: boolean,
  ) {
    this.inputWatermarks = inputs.map(() => -Infinity)
    this.queues = inputs.map(() => [])
    this.expected = (ordered ?? []).map((g) => g.first)
    this.draining = (ordered ?? []).map(() => false)
    const grouped = new Set((ordered ?? []).flatMap((g) => g.inputs))
    this.loose = inputs.map((_, i) => i).filter((i) => !grouped.has(i))
    this.finished = new Promise((resolve, reject) => { this.resolveFinished = resolve; this.rejectFinished = reject })
    this.finished.catch(() => {}) // observed by the host; never an unhandled rejection
    const ticks = inputs.length
    this.mailbox = new Mailbox<Message | Tick>((source, item) => source === ticks ? (item as Tick)()
      : this.ordered ? this.arrive(source, item as Message) : this.receive(source, item as Message), (e) => this.rejectFinished(e))
  }

  /** Milliseconds spent handling messages. */
  get busyMs(): number {
    return this.mailbox.busyMs
  }

  start(): void {
    this.mailbox.open([...this.inputs.map((ch) => ch.messages), this.ticks])
  }

  /** After a restore: the first sequence number due in ordered group `group` is `seq` (see `LocalHost.startAt`). */
  startAt(group: number, seq: number): void {
    this.expected[group] = seq
  }

  /**
   * After a restore: this instance had ended before the checkpoint (so had every instance
   * upstream of it). Its inputs end again at once; then only the end goes on to its receivers —
   * its chain's end (an Oxi's onEnd, the last windows fired) ran before the checkpoint and its
   * output is already in the restored state downstream.
   */
  restoreEnded(): void {
    this.endedBefore = true
  }

  /** Runs `tick` in this actor's mailbox, after the messages already queued (timers use it). */
  schedule(tick: () => Maybe<void>): void {
    if (!this.done) this.ticks.next(tick)
  }

  /** Stops handling messages (the job failed). */
  cancel(): void {
    this.done = true
    this.mailbox.close()
  }

  /**
   * What this actor waits for now, in words, for a stall report: a handler that has not settled
   * (a user function, a sink write, a send waiting for credit), the inputs a barrier still waits
   * for, or the sequence number an ordered merge waits for; undefined when idle.
   */
  waitingFor(now = performance.now()): string | undefined {
    const since = this.mailbox.handlingSince
    if (since !== undefined) {
      return `handling a message for ${((now - since) / 1000).toFixed(1)} s (a user function, a sink write or a send waiting for credit has not settled)`
    }
    const a = this.aligning
    if (a) {
      const missing = this.inputs.map((_, i) => i).filter((i) => !a.arrived.has(i) && !this.endedInputs.has(i))
      return `aligning barrier ${a.barrier.checkpointId}: waiting for input(s) ${missing.join(', ')} to deliver it (input(s) ${[...a.arrived].join(', ')} held back)`
    }
    const held = this.queues.reduce((n, q) => n + q.length, 0)
    if (held === 0) return undefined
    for (const [g, group] of (this.ordered ?? []).entries()) {
      if (this.draining[g]) continue
      const i = this.dueInput(g, group)
      if (this.queues[i].length === 0) return `merging in sequence: waiting for batch ${this.expected[g]} from input ${i}, ${held} later message(s) held`
    }
    return undefined
  }

  /** Messages received but not yet handled, over all inputs. */
  get queueDepth(): number {
    let n = 0
    for (const ch of this.inputs) n += ch.queueDepth
    return n
  }

  private receive(input: number, message: Message): Maybe<void> {
    if (this.aligning?.arrived.has(input)) {
      const queue = this.held.get(input)
      if (queue) queue.push(message)
      else this.held.set(input, [message])
      return
    }
    // No closure for the common case, a message handled synchronously.
    const r = this.dispatch(input, message)
    return r instanceof Promise ? r.then(() => this.inputs[input].ack(message)) : this.inputs[input].ack(message)
  }

  /** Ordered merge: queue the message, then handle whatever is now next in sequence. */
  private arrive(input: number, message: Message): Maybe<void> {
    this.queues[input].push(message)
    return this.drain()
  }

  private drain(): Maybe<void> {
    for (let next = this.nextInOrder(); next !== undefined; next = this.nextInOrder()) {
      const r = this.receive(next, this.queues[next].shift()!)
      if (r instanceof Promise) return r.then(() => this.drain())
    }
  }

  /** The input of ordered group `g` whose turn it is: sender `expected mod senders`. */
  private dueInput(g: number, group: OrderedGroup): number {
    return group.inputs[group.inputs.length === 1 ? 0 : this.expected[g] % group.senders]
  }

  /**
   * The input whose head goes next: a control message at any head (it waited only for the data
   * before it on its own channel); else, in each ordered group (one input edge, one sequence
   * space), the batch numbered `expected` from sender `expected mod senders` — once that sender
   * has ended (a graceful stop ends senders at different seqs), the group's rest is taken as it
   * comes; else any head of an input in no group. Groups never wait for each other: a batch due
   * in one is taken whatever another waits for.
   */
  private nextInOrder(): number | undefined {
    for (let i = 0; i < this.queues.length; i++) {
      const head = this.queues[i][0]
      if (head && head.kind !== 'batch' && !this.blocked(i)) return i
    }
    const groups = this.ordered!
    for (let g = 0; g < groups.length; g++) {
      if (!this.draining[g]) {
        const i = this.dueInput(g, groups[g])
        if (!this.endedInputs.has(i)) {
          const head = this.queues[i][0]
          if (!head || this.blocked(i)) continue
          if (head.kind === 'batch' && head.seq !== this.expected[g]) {
            throw new Error(`actor '${this.name}': input ${i} sent batch ${head.seq} where ${this.expected[g]} was due; a sender broke the sequence`)
          }
          this.expected[g] += groups[g].stride
          return i
        }
        this.draining[g] = true
      }
      for (const i of groups[g].inputs) if (this.queues[i].length > 0 && !this.blocked(i)) return i
    }
    for (const i of this.loose) if (this.queues[i].length > 0 && !this.blocked(i)) return i
    return undefined
  }

  /** Input `i` delivered the barrier being aligned: it waits for the others. */
  private blocked(i: number): boolean {
    return this.aligning?.arrived.has(i) === true
  }

  private dispatch(input: number, m: Message): Maybe<void> {
    switch (m.kind) {
      case 'batch': {
        if (!this.sequenced) return m.records.length > 0 ? this.slices.handle(m.records, this.chain) : undefined
        this.router?.beginSeq(m.seq!)
        const r = m.records.length > 0 ? this.slices.handle(m.records, this.chain) : undefined
        return r instanceof Promise ? r.then(() => this.router?.endSeq()) : this.router?.endSeq()
      }
      case 'watermark': {
        this.inputWatermarks[input] = Math.max(this.inputWatermarks[input], m.time)
        return this.advanceWatermark()
      }
      case 'barrier':
        return this.onBarrier(input, m.barrier)
      case 'end': {
        this.endedInputs.add(input)
        if (!m.final) this.allFinal = false
        this.inputWatermarks[input] = Infinity // an ended input no longer holds event time back
        if (this.endedInputs.size === this.inputs.length) {
          if (this.endedBefore && this.allFinal) return andThen(this.router?.end(true), () => this.finish())
          return andThen(this.head.end(this.allFinal), () => this.finish())
        }
        return andThen(this.allFinal ? this.advanceWatermark() : undefined, () => this.maybeAligned())
      }
    }
  }

  private advanceWatermark(): Maybe<void> {
    let low = Infinity
    for (const w of this.inputWatermarks) if (w < low) low = w
    if (low <= this.watermark) return
    this.watermark = low
    return this.head.watermark(low)
  }

  private onBarrier(input: number, barrier: CheckpointBarrier): Maybe<void> {
    if (!this.aligning) this.aligning = { barrier, arrived: new Set(), since: performance.now() }
    else if (this.aligning.barrier.checkpointId !== barrier.checkpointId) {
      throw new Error(`actor '${this.name}': barrier ${barrier.checkpointId} arrived while aligning ${this.aligning.barrier.checkpointId}; barriers must be injected in order`)
    }
    this.aligning.arrived.add(input)
    return this.maybeAligned()
  }

  /** When every live input delivered the barrier: snapshot, forward it, release held input. */
  private maybeAligned(): Maybe<void> {
    const a = this.aligning
    if (!a) return
    for (let i = 0; i < this.inputs.length; i++) if (!a.arrived.has(i) && !this.endedInputs.has(i)) return
    const ms = performance.now() - a.since
    const f = this.alignment
    f.count++
    f.totalMs += ms
    f.lastMs = ms
    if (ms > f.maxMs) f.maxMs = ms
    return andThen(this.onAligned(a.barrier), () => andThen(this.router?.broadcast({ kind: 'barrier', barrier: a.barrier }), () => {
      this.aligning = undefined
      if (this.ordered) return this.drain()
      const held = this.held
      this.held = new Map()
      return this.replay([...held].flatMap(([input, ms]) => ms.map((message) => ({ input, message }))), 0)
    }))
  }

  private replay(items: { input: number; message: Message }[], i: number): Maybe<void> {
    for (; i < items.length; i++) {
      const r = this.receive(items[i].input, items[i].message)
      if (r instanceof Promise) return r.then(() => this.replay(items, i + 1))
    }
  }

  private finish(): void {
    this.endedFinal = this.allFinal
    this.done = true
    this.mailbox.close()
    this.ticks.complete()
    this.resolveFinished()
  }
}
