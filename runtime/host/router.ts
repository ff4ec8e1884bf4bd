import type { OutputChannel } from '../channels/channel-ends.ts'
import { StepError } from '../errors/step-error.ts'
import { instanceOf, keyGroupCache } from '../key-groups/key-group-assignment.ts'
import type { KeySelector } from '../graph/step-spec.ts'
import type { BatchMessage, Message } from '../messages.ts'
import type { Output } from '../operators/operator.ts'
import type { Exchange } from '../plan/plan.ts'
import { andThen, type Maybe } from '../maybe.ts'

/** One outgoing edge of an actor instance: its exchange and a channel per receiving instance. */
export interface RouteTarget {
  readonly exchange: Exchange
  /** Forward: one channel (to the same instance index). Otherwise: one per receiving instance. */
  readonly channels: readonly OutputChannel[]
  /** The receiving step, for errors thrown by a keyBy function. */
  readonly toStep: string
  /**
   * True when the receiving step computes every record's key itself (`computesKeys`): a hash
   * edge with one channel then sends without computing keys. Otherwise such an edge computes
   * them anyway, so an invalid key fails with one instance as it does with several.
   */
  readonly receiverComputesKeys?: boolean
  /** A side output (dead letters, late records): fed only through `side()`, never by the chain's batches or seqs. */
  readonly side?: boolean
}

/**
 * The end of an actor's chain: sends batches over its outgoing channels by each edge's
 * exchange, and broadcasts control messages in band. Measures time blocked waiting for credit.
 */
export class Router implements Output {
  blockedMs = 0
  private readonly targets: Target[]
  /** In a sequenced vertex, the seq of the input batch being handled (see `beginSeq`). */
  private seq: number | undefined
  /** A renumbering vertex (plan.ts `renumbers`): the number of its next output batch. */
  private nextSeq = 0

  /** `index`: this sender's instance index, which picks the one receiver of a pinned edge. */
  constructor(targets: readonly RouteTarget[], private readonly maxKeyGroups: number, index = 0, private readonly renumbers = false) {
    this.targets = targets.map((target) => {
      const n = target.channels.length
      const pinned = target.exchange.kind === 'rebalance' && target.exchange.pinned === true ? index % n : -1
      // Key group → receiving instance, precomputed: the per-record cost is one cached hash.
      const instanceOfGroup = Int32Array.from({ length: maxKeyGroups }, (_, g) => instanceOf(g, maxKeyGroups, n))
      const checkKeys = target.exchange.kind === 'hash' && n === 1 && !target.receiverComputesKeys
      return { target, nextIndex: 0, instanceOfGroup, groupOf: keyGroupCache(maxKeyGroups), parts: target.channels.map(() => EMPTY), checkKeys, pinned }
    })
  }

  /**
   * Sequenced mode: what the chain emits for input batch `seq` is gathered until `endSeq()`,
   * which sends exactly one message numbered `seq` per receiving channel (empty if nothing
   * went there), so receivers can merge parallel senders back into sequence order.
   */
  beginSeq(seq: number): void {
    this.seq = seq
  }

  endSeq(): Maybe<void> {
    const seq = this.seq!
    this.seq = undefined
    let pending: Promise<void> | undefined
    for (const t of this.targets) {
      const { exchange, channels, side } = t.target
      // A pinned edge's receiver does not merge by sequence (see plan.ts mustPin): batch() sent its records unnumbered.
      if (side || t.pinned >= 0) continue
      const only = exchange.kind === 'rebalance' ? seq % channels.length : -1
      for (let i = 0; i < channels.length; i++) {
        if (only >= 0 && i !== only) continue
        pending = send(pending, channels[i], { kind: 'batch', records: t.parts[i], seq } satisfies BatchMessage)
        t.parts[i] = EMPTY
      }
    }
    return this.timed(pending)
  }

  batch(records: readonly unknown[]): Maybe<void> {
    if (!this.renumbers) return this.route(records)
    // Each output batch gets the next number of this vertex's own sequence (see plan.ts `renumbers`).
    this.beginSeq(this.nextSeq++)
    return andThen(this.route(records), () => this.endSeq())
  }

  private route(records: readonly unknown[]): Maybe<void> {
    let pending: Promise<void> | undefined
    const sequenced = this.seq !== undefined
    for (const t of this.targets) {
      const { exchange, channels, side } = t.target
      if (side) continue
      if (t.pinned >= 0) {
        if (records.length > 0) pending = send(pending, channels[t.pinned], { kind: 'batch', records })
        continue
      }
      if (exchange.kind !== 'hash' || channels.length === 1) {
        if (t.checkKeys) for (let i = 0; i < records.length; i++) keyOf(t.target, records[i])
        const i = exchange.kind === 'rebalance' ? (sequenced ? this.seq! % channels.length : t.nextIndex++ % channels.length) : 0
        if (sequenced) t.parts[i] = gather(t.parts[i], records)
        else pending = send(pending, channels[i], { kind: 'batch', records })
        continue
      }
      const parts: unknown[][] = channels.map(() => [])
      for (let i = 0; i < records.length; i++) {
        parts[t.instanceOfGroup[t.groupOf(keyOf(t.target, records[i]))]].push(records[i])
      }
      for (let i = 0; i < parts.length; i++) {
        if (sequenced) t.parts[i] = gather(t.parts[i], parts[i])
        else if (parts[i].length > 0) pending = send(pending, channels[i], { kind: 'batch', records: parts[i] } satisfies BatchMessage)
      }
    }
    return this.timed(pending)
  }

  watermark(time: number): Maybe<void> {
    return this.broadcast({ kind: 'watermark', time })
  }

  end(final: boolean): Maybe<void> {
    return this.broadcast({ kind: 'end', final })
  }

  /** Control messages go to every receiving instance, behind the data already sent (side data too). */
  broadcast(message: Message): Maybe<void> {
    let pending: Promise<void> | undefined
    for (const t of this.targets) {
      const before = t.sideTail
      if (before) pending = pending ? pending.then(() => before) : before
      for (const ch of t.target.channels) pending = send(pending, ch, message)
    }
    return this.timed(pending)
  }

  /**
   * Sends `records` on side target `index` (its one channel) now, unnumbered. Calls may overlap
   * (a reader's rejects, mapAsync's concurrent failures): each waits for the one before, as a
   * channel takes one sender at a time.
   */
  side(index: number, records: readonly unknown[]): Maybe<void> {
    const t = this.targets[index]
    const sent = send(t.sideTail, t.target.channels[0], { kind: 'batch', records } satisfies BatchMessage)
    if (!sent) return
    t.sideTail = sent
    sent.then(() => { if (t.sideTail === sent) t.sideTail = undefined }, () => {})
    return this.timed(sent)
  }

  private timed(pending: Promise<void> | undefined): Maybe<void> {
    if (!pending) return
    const start = performance.now()
    return pending.then(() => { this.blockedMs += performance.now() - start })
  }
}

interface Target {
  readonly target: RouteTarget
  nextIndex: number
  readonly instanceOfGroup: Int32Array
  readonly groupOf: (k: unknown) => number
  /** Sequenced mode: records gathered per channel for the current seq. */
  readonly parts: (readonly unknown[])[]
  /** A one-channel hash edge into a step that does not compute keys: keys are computed only to check them. */
  readonly checkKeys: boolean
  /** A pinned rebalance edge: the one channel this sender's batches go to; -1 otherwise. */
  readonly pinned: number
  /** A side send still waiting for credit: later side sends and control messages go after it. */
  sideTail?: Promise<void>
}

const EMPTY: readonly unknown[] = Object.freeze([])

/** The record's key by the edge's keyBy (a checked key, see key.ts); a throw fails the receiving step whatever its onError. */
function keyOf(target: RouteTarget, record: unknown): unknown {
  try {
    return (target.exchange as { readonly key: KeySelector }).key(record)
  } catch (e) {
    throw new StepError(target.toStep, 'its keyBy function on a record', e, '; fix the keyBy function')
  }
}

function gather(part: readonly unknown[], records: readonly unknown[]): readonly unknown[] {
  if (records.length === 0) return part
  return part.length === 0 ? records : part.concat(records)
}

function send(pending: Promise<void> | undefined, channel: OutputChannel, message: Message): Promise<void> | undefined {
  if (pending) return pending.then(() => channel.send(message))
  return channel.send(message) ?? undefined
}
