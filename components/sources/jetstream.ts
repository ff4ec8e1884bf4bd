import type { AckPolicy, Consumer, ConsumerMessages, DeliverPolicy, JsMsg, MsgRequest } from '@nats-io/jetstream'
import type { Source, SourceContext, SourceReader } from '../../runtime/contracts/source.ts'
import { BrokerUnavailableError } from '../../runtime/errors/broker-unavailable-error.ts'
import { MessageDecodeError } from '../../runtime/errors/message-decode-error.ts'
import { MessageQueue } from '../brokers/message-queue.ts'
import { openNats, type NatsSession } from '../brokers/nats-connection.ts'
import { checkBoolean, checkFunction, checkName, checkObject, checkPositiveInt } from '../../runtime/option-checks.ts'
import { checkServers } from '../brokers/check-servers.ts'
import { positionHolder } from './position-holder.ts'
import { checkGapKept, checkStreamKept } from './jetstream-stream-check.ts'
import type { DeclaredState } from '../../runtime/contracts/declared-state.ts'

/** Options of `sources.jetstream`. */
export interface JetStreamSourceOptions<T> {
  /** NATS server(s), e.g. `'127.0.0.1:4222'`. */
  readonly servers: string | readonly string[]
  /** The JetStream stream to read. */
  readonly stream: string
  /** Only messages on this subject (wildcards allowed); default: the whole stream. */
  readonly subject?: string
  /**
   * End at the stream's end as it was when the job first started (the end is kept in the
   * checkpoint, so a restore reads to the same end even if the stream grew). Default false: run
   * until stopped.
   */
  readonly stopAtEnd?: boolean
  /** Payload → record (default: the payload parsed as JSON). A throw follows the step's onError. */
  readonly decode?: (data: Uint8Array, message: { readonly subject: string; readonly seq: number }) => T
  /** With nothing to read, a read returns empty after this long so checkpoints and stops get through (default 100 ms). */
  readonly idleMs?: number
  /**
   * Read through a durable pull consumer of this name instead of an ephemeral one. The position
   * still lives in the checkpoints; the consumer is acknowledged only up to a committed
   * checkpoint's position (after the commit, never ahead of it), so the server's ack floor shows
   * what the job durably consumed: lag in `nats consumer info`, and messages of an
   * interest-retention stream removed only once a checkpoint covers them (work-queue streams,
   * which require explicit acks, are refused by the server). A fresh start (no checkpoint)
   * continues after the consumer's ack floor. One reader per name: the consumer is re-created at
   * the checkpointed sequence each time the job starts.
   */
  readonly durable?: string
}

/**
 * The checkpointed position: the next stream sequence to read, the last one when the source
 * stops at the end, and (since 1.1.0) the stream's creation time, which tells a stream deleted
 * and re-created under the same name from the one read.
 */
export interface JetStreamPosition {
  readonly next: number
  readonly end?: number
  readonly created?: string
}

/** The holder of a JetStream source's position (1.1.0 added `created`; 1.0.0 positions restore, checked by sequence only). */
const JETSTREAM_POSITION: DeclaredState = { name: 'position', version: '1.1.0' }

const QUEUE = 4096
/** How long the server waits for an ack before redelivering (to a durable consumer): an hour, as acks come only with checkpoint commits. Redelivered messages are skipped by sequence. */
const ACK_WAIT_NS = 3_600_000 * 1_000_000
/** JetStream's error code for "consumer not found". */
const CONSUMER_NOT_FOUND = 10014
/** JetStream's error code for "stream not found". */
const STREAM_NOT_FOUND = 10059
/** How often reads that find nothing ask whether the stream still exists. */
const GONE_CHECK_MS = 1000

/**
 * A replayable source reading a JetStream stream by stream sequence. Its position (the next
 * sequence) lives in its StateHolder and is committed with checkpoints — nothing is acked on
 * the server — so a restore reads again from the checkpointed sequence: with an exactly-once
 * sink (`sinks.jetstream`, `sinks.redisStream`, `sinks.jsonl`) the output is exactly-once. Reads
 * use an ordered (ephemeral, flow-controlled) consumer started at that sequence; at most 4096
 * messages wait in memory. Unbounded unless `stopAtEnd`. The connection reconnects without limit.
 * With `durable`, it reads through a durable consumer acknowledged at checkpoint commits (see
 * the option): the server then shows the committed position, but the checkpoints still decide.
 *
 * @example
 * p.source('orders', sources.jetstream({ servers: '127.0.0.1:4222', stream: 'ORDERS', subject: 'orders.eu' }))
 */
export function jetstream<T = unknown>(options: JetStreamSourceOptions<T>): Source<T> {
  const component = 'jetstream source'
  checkObject(component, options, "{ servers: '127.0.0.1:4222', stream: 'ORDERS' }", { servers: true, stream: true, subject: true, stopAtEnd: true, decode: true, idleMs: true, durable: true } satisfies Record<keyof JetStreamSourceOptions<T>, true>)
  checkServers(component, options.servers)
  checkName(component, 'stream', options.stream, 'a stream name without spaces, dots, * or >', /^[^.*>]+$/)
  if (options.subject !== undefined) checkName(component, 'subject', options.subject, 'a subject, e.g. "orders.*"')
  checkBoolean(component, 'stopAtEnd', options.stopAtEnd)
  checkFunction(component, 'decode', options.decode)
  checkPositiveInt(component, 'idleMs', options.idleMs)
  if (options.durable !== undefined) checkName(component, 'durable', options.durable, 'a consumer name without spaces, dots, * or >', /^[^.*>]+$/)
  return {
    kind: 'source',
    // What its reader's positionHolder registers (the default format): one position, whatever the options.
    state: [JETSTREAM_POSITION],
    description: `jetstream(${options.stream}${options.subject === undefined ? '' : `, ${options.subject}`})`,
    bounded: options.stopAtEnd === true,
    open: (ctx) => openReader(ctx, options),
  }
}

async function openReader<T>(ctx: SourceContext, options: JetStreamSourceOptions<T>): Promise<SourceReader<T>> {
  const { stream, subject, stopAtEnd = false, idleMs = 100 } = options
  const decode = options.decode ?? ((data: Uint8Array) => JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')) as T)
  const nats: NatsSession = await openNats(options.servers, `read stream '${stream}'`)
  let next = 1
  let end: number | undefined
  /** The stream's creation time, from its info at start (or the restored position until then). */
  let created: string | undefined
  let ended = false
  let restored = false
  /** Whether the source reads every subject of the stream, so that a gap in sequences is a removal. */
  let unfiltered = false
  /** The last message read, and that message at the last snapshot: what a commit acknowledges (durable consumer, ack policy 'all'). */
  let lastRead: JsMsg | undefined
  let toAck: JsMsg | undefined
  let messages: ConsumerMessages | undefined
  const queue = new MessageQueue<JsMsg>(QUEUE)

  const holder = positionHolder<JetStreamPosition>(`${ctx.step}/${JETSTREAM_POSITION.name}`, () => {
    toAck = lastRead
    return { next, ...(end !== undefined && { end }), ...(created !== undefined && { created }) }
  },
    (p) => { next = p.next; end = p.end; created = p.created; restored = true },
    (s) => {
      const p = s as JetStreamPosition
      return typeof p === 'object' && p !== null && Number.isSafeInteger(p.next) && p.next >= 1 && (p.end === undefined || Number.isSafeInteger(p.end)) &&
        (p.created === undefined || typeof p.created === 'string')
        ? undefined : 'expected { next, end?, created? } with stream sequences and a creation time'
    }, { version: JETSTREAM_POSITION.version })

  const fail = (doing: string, e: unknown): BrokerUnavailableError =>
    new BrokerUnavailableError('nats', nats.address, doing, (e as Error).message, { cause: e })

  /**
   * The durable consumer, re-created to deliver from `next` (its start sequence cannot change,
   * and after a crash the server has delivered past the checkpoint). On a fresh start `next`
   * first moves past the consumer's ack floor: what an earlier run's checkpoints covered.
   */
  const durableConsumer = async (name: string): Promise<Consumer> => {
    let floor: number | undefined
    try {
      // A consumer re-created at sequence s with nothing acknowledged yet reports a floor of 0.
      const info = await nats.jsm.consumers.info(stream, name)
      floor = Math.max(info.ack_floor.stream_seq, (info.config.opt_start_seq ?? 1) - 1)
    } catch (e) {
      if ((e as { code?: unknown }).code !== CONSUMER_NOT_FOUND) throw e
    }
    if (floor !== undefined) {
      if (!restored) next = Math.max(next, floor + 1)
      await nats.jsm.consumers.delete(stream, name)
    }
    await nats.jsm.consumers.add(stream, {
      durable_name: name, ack_policy: 'all' as AckPolicy, deliver_policy: 'by_start_sequence' as DeliverPolicy, opt_start_seq: next,
      ack_wait: ACK_WAIT_NS, max_ack_pending: -1, ...(subject === undefined ? {} : { filter_subject: subject }),
    })
    return nats.js.consumers.get(stream, name)
  }

  /** Runs after any restore: fixes the end on a fresh start, and starts the consumer at `next`. */
  const start = async (): Promise<void> => {
    let consumer: Consumer | undefined
    if (options.durable !== undefined) {
      try { consumer = await durableConsumer(options.durable) } catch (e) { throw fail(`open durable consumer '${options.durable}' of stream '${stream}'`, e) }
    }
    let info
    try { info = await nats.jsm.streams.info(stream) } catch (e) { throw fail(`read stream '${stream}'`, e) }
    // After any durable consumer's re-creation: deleting it may let an interest-retention stream drop messages.
    if (restored) checkStreamKept(ctx.step, stream, subject, { next, end, created }, { firstSeq: info.state.first_seq, lastSeq: info.state.last_seq, created: info.created })
    created = info.created
    // Every message of the stream is the source's: a skipped sequence is a removed message.
    unfiltered = subject === undefined || (info.config.subjects?.length === 1 && info.config.subjects[0] === subject)
    if (stopAtEnd) {
      end ??= info.state.last_seq
      // Nothing on the subject in [next, end]: done without a consumer (it would wait forever).
      let first
      // The server answers "first message on the subject at or after seq" (nats-server ≥ 2.9);
      // the client's MsgRequest type does not list that form yet.
      const query = { seq: next, next_by_subj: subject ?? '>' } as unknown as MsgRequest
      try { first = await nats.jsm.streams.getMessage(stream, query) } catch (e) { throw fail(`read stream '${stream}'`, e) }
      if (first === null || first.seq > end) { ended = true; return }
    }
    try {
      consumer ??= await nats.js.consumers.get(stream, {
        ...(subject === undefined ? {} : { filter_subjects: subject }),
        deliver_policy: 'by_start_sequence' as DeliverPolicy, opt_start_seq: next,
      })
      messages = await consumer.consume({ max_messages: 1024 })
    } catch (e) { throw fail(`read stream '${stream}'`, e) }
    void pump(messages)
  }
  const pump = async (ms: ConsumerMessages): Promise<void> => {
    try {
      for await (const m of ms) {
        queue.push(m)
        const wait = queue.space()
        if (wait) await wait
      }
    } catch (e) {
      queue.fail(fail(`read stream '${stream}'`, e))
    }
  }

  /**
   * Fails the read once the stream is gone: the ordered consumer then waits forever, silently
   * (a stopAtEnd run stopped short of its end and never finished). Only that definite answer
   * fails; any other (the broker away) leaves the source waiting, as for an outage.
   */
  let checkedAt = Date.now()
  const checkStreamExists = async (): Promise<void> => {
    checkedAt = Date.now()
    try {
      await nats.jsm.streams.info(stream)
    } catch (e) {
      if ((e as { code?: unknown }).code === STREAM_NOT_FOUND) throw fail(`read stream '${stream}'`, e)
    }
  }

  /** Fails when messages `next`…`seq` − 1 were dropped from the stream's start before the consumer delivered them. */
  const checkGap = async (seq: number): Promise<void> => {
    let info
    try { info = await nats.jsm.streams.info(stream) } catch (e) { throw fail(`read stream '${stream}'`, e) }
    checkGapKept(ctx.step, stream, next, seq, info.state.first_seq)
  }

  let started: Promise<void> | undefined
  const read = async (max: number): Promise<readonly T[] | undefined> => {
    if (!started) started = start()
    await started
    if (ended) return undefined
    await queue.waitForData(idleMs, ctx.signal)
    if (queue.failure !== undefined) throw queue.failure
    if (queue.peek() === undefined && Date.now() - checkedAt >= GONE_CHECK_MS) await checkStreamExists()
    const out: T[] = []
    for (let m = queue.peek(); m !== undefined && out.length < max; m = queue.peek()) {
      if (end !== undefined && m.seq > end) { ended = true; break }
      queue.shift()
      // A redelivery (a durable consumer's ack wait passed): read already.
      if (m.seq < next) continue
      // Skipped sequences after a start (restored: checked at the start) or a message read: removed before delivery.
      if (m.seq > next && unfiltered && (restored || lastRead !== undefined)) await checkGap(m.seq)
      next = m.seq + 1
      lastRead = m
      try {
        out.push(decode(m.data, { subject: m.subject, seq: m.seq }))
      } catch (e) {
        ctx.reject(new MessageDecodeError(`jetstream stream ${stream} seq ${m.seq}`, (e as Error).message), `jetstream stream ${stream} seq ${m.seq}`, m.string())
      }
      // No further message on the subject up to the end (pending counts what the filter still has).
      if (end !== undefined && (m.seq >= end || m.info.pending === 0)) { ended = true; break }
    }
    return out.length === 0 && ended ? undefined : out
  }

  return {
    read,
    position: () => (end === undefined ? { next } : { next, end }),
    holders: () => [holder],
    async commit() {
      // Ack policy 'all': acknowledging the checkpoint's last message acknowledges all before it.
      // An ack that fails (broker away) only leaves the floor behind; the next commit covers it.
      if (options.durable === undefined || toAck === undefined) return
      const m = toAck
      toAck = undefined
      await m.ackAck({ timeout: 5000 }).catch(() => false)
    },
    async close() {
      queue.drain()
      await messages?.close().catch(() => undefined)
      await nats.nc.close().catch(() => undefined)
    },
  }
}
