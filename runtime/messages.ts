/**
 * The messages that travel on a channel, in one ordered stream: data and control in band.
 * Types only — main-thread and worker code both import this file and nothing else of each other.
 */

/** Records, in input order. `seq` numbers the chunk within its producer (for ordered exchange). */
export interface BatchMessage<T = unknown> {
  readonly kind: 'batch'
  readonly records: readonly T[]
  readonly seq?: number
}

/** Event time up to which the producer has seen everything (epoch ms; +Infinity at the end). */
export interface WatermarkMessage {
  readonly kind: 'watermark'
  readonly time: number
}

/** An immutable checkpoint barrier; ids strictly increase within a job. */
export interface CheckpointBarrier {
  readonly checkpointId: number
  readonly timestamp: number
}

export interface BarrierMessage {
  readonly kind: 'barrier'
  readonly barrier: CheckpointBarrier
}

/**
 * The producer sends nothing more. `final` is true when the input is exhausted (open windows
 * fire); false when the job is stopping (state is kept, nothing fires).
 */
export interface EndMessage {
  readonly kind: 'end'
  readonly final: boolean
}

export type Message<T = unknown> = BatchMessage<T> | WatermarkMessage | BarrierMessage | EndMessage
