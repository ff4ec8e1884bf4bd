import type { Sink, SinkWriter } from '../../runtime/contracts/sink.ts'
import { BrokerUnavailableError } from '../../runtime/errors/broker-unavailable-error.ts'
import { openNats } from '../brokers/nats-connection.ts'
import { checkFunction, checkName, checkObject, checkPositiveInt } from '../../runtime/option-checks.ts'
import { checkServers } from '../brokers/check-servers.ts'
import { retryUntil } from '../brokers/retry-until.ts'
import { STAGED_OUTPUT, stagedOutput } from '../brokers/staged-output.ts'

/** Options of `sinks.jetstream`. */
export interface JetStreamSinkOptions<T> {
  /** NATS server(s), e.g. `'127.0.0.1:4222'` or `'nats://user:pass@host:4222'`. */
  readonly servers: string | readonly string[]
  /** The subject records are published on; a JetStream stream must capture it. */
  readonly subject: string
  /** How long a publish is retried while the broker is away before the job fails (default 60 000 ms). */
  readonly retryForMs?: number
  /** Record → payload (default `JSON.stringify`). */
  readonly encode?: (record: T) => string
}

/** What the sink's `result()` reports (in `summary.results[step]`). */
export interface JetStreamSinkResult {
  /** Records acknowledged by JetStream as new messages. */
  readonly published: number
  /** Publishes JetStream dropped as duplicates of an earlier one (replays after a restore). */
  readonly duplicates: number
}

/** Publishes in flight at once: NATS keeps one connection's publishes in order, so the stream order is the record order. */
const WINDOW = 256

/**
 * A sink publishing each record as one JetStream message on `subject`. In a job that takes
 * checkpoints it is exactly-once end to end: records are published when the checkpoint covering
 * them commits, each with `Nats-Msg-Id` = `<pipeline>:<step>:<run>:<ordinal>` (the record's place in
 * the sink's output, checkpointed), so what a restore publishes again is dropped by JetStream
 * as a duplicate. That holds within the stream's `duplicate_window` (JetStream's default: 2
 * minutes): restore within it, or create the stream with a longer window. Without checkpoints
 * records are published as they come (at-least-once). See `stagedOutput` for the protocol.
 *
 * @example
 * p.source('in', sources.jetstream({ servers: '127.0.0.1:4222', stream: 'orders' }))
 *   .sink('out', sinks.jetstream({ servers: '127.0.0.1:4222', subject: 'totals.minute' }))
 */
export function jetstream<T = unknown>(options: JetStreamSinkOptions<T>): Sink<T, JetStreamSinkResult> {
  const component = 'jetstream sink'
  checkObject(component, options, "{ servers: '127.0.0.1:4222', subject: 'out' }", { servers: true, subject: true, retryForMs: true, encode: true } satisfies Record<keyof JetStreamSinkOptions<T>, true>)
  checkServers(component, options.servers)
  checkName(component, 'subject', options.subject, 'a subject without wildcards, e.g. "totals.minute"', /^[^*>]+$/)
  checkPositiveInt(component, 'retryForMs', options.retryForMs)
  checkFunction(component, 'encode', options.encode)
  const { servers, subject, retryForMs = 60_000, encode } = options
  return {
    kind: 'sink',
    // Its writers need nothing of the main thread: with workers the step runs on one, next to the step before it.
    workerSafe: true,
    // What a writer holds with checkpoints, the state a plan describes (without them it holds none).
    state: [STAGED_OUTPUT],
    description: `jetstream(${subject})`,
    async open(ctx): Promise<SinkWriter<T, JetStreamSinkResult>> {
      const nats = await openNats(servers, `publish to '${subject}'`)
      try {
        await nats.jsm.streams.find(subject)
      } catch (e) {
        await nats.nc.close()
        throw new BrokerUnavailableError('nats', nats.address, `publish to '${subject}'`,
          `no JetStream stream captures this subject (${(e as Error).message}); create one, e.g. nats stream add --subjects '${subject}'`, { cause: e })
      }
      let duplicates = 0
      let acked = 0
      const prefix = `${ctx.pipelineId}:${ctx.step}`
      const publishWindow = async (run: string, first: number, payloads: readonly string[]): Promise<void> => {
        const acks = await Promise.all(payloads.map((p, i) => nats.js.publish(subject, p, { msgID: `${prefix}:${run}:${first + i}` })))
        for (const a of acks) if (a.duplicate) duplicates++; else acked++
      }
      const writer = stagedOutput<T>(`${ctx.step}/${STAGED_OUTPUT.name}`, ctx.checkpointing === true, async (run, first, payloads) => {
        for (let i = 0; i < payloads.length; i += WINDOW) {
          const part = payloads.slice(i, i + WINDOW)
          // A window that failed halfway is published again whole: the ids make the repeats duplicates.
          await retryUntil(() => publishWindow(run, first + i, part), retryForMs).catch((e: unknown) => {
            throw new BrokerUnavailableError('nats', nats.address, `publish to '${subject}'`, `${(e as Error).message} (retried for ${retryForMs} ms)`, { cause: e })
          })
        }
      }, () => nats.nc.close(), encode)
      return { ...writer, result: (): JetStreamSinkResult => ({ published: acked, duplicates }) }
    },
  }
}
