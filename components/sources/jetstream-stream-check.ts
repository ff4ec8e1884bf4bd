import { SourceStreamChangedError } from '../../runtime/errors/source-stream-changed-error.ts'

/** What a restore compares: the checkpointed position of a JetStream source (`created`: the stream's creation time, since position 1.1.0). */
export interface CheckedPosition {
  readonly next: number
  readonly end?: number
  readonly created?: string
}

/** The stream as its info reports it now. */
export interface StreamNow {
  readonly firstSeq: number
  readonly lastSeq: number
  readonly created: string
}

/**
 * Throws SourceStreamChangedError (its `position` the sequence the source resumes at) when the stream no longer holds what followed the checkpoint,
 * so resuming at its sequence would skip messages silently or read another stream's:
 *
 * - 'recreated': the stream's creation time is not the checkpoint's (deleted and re-created —
 *   its sequences number other messages);
 * - 'recreated' too: its last sequence is below the last one read (checkpoints without a
 *   creation time);
 * - 'trimmed': its first sequence is past `next` (purged, or dropped by limits or retention)
 *   while messages `next`…first − 1 were within the end a bounded source reads to. JetStream
 *   keeps no trace of what was removed, so with a subject filter the removed messages may all
 *   have been on other subjects: refused all the same. A message deleted on its own after
 *   `next` leaves the first sequence alone unless it was the first: not seen.
 *
 * @example
 * checkStreamKept('in', 'ORDERS', 'orders.eu', { next: 8501 }, { firstSeq: 250001, lastSeq: 300000, created }) // throws 'trimmed'
 */
export function checkStreamKept(step: string, stream: string, subject: string | undefined, position: CheckedPosition, now: StreamNow): void {
  const where = `step '${step}' (jetstream source): stream '${stream}'`
  const { next, end, created } = position
  const other = 'restore a checkpoint of a run on this stream, or start the job without restore to read it from its first sequence'
  if (created !== undefined && created !== now.created) {
    throw new SourceStreamChangedError(step, stream, String(next), 'recreated',
      `${where} is not the one the checkpoint read: it was created at ${now.created}, the checkpoint read the one created at ` +
      `${created}, so its sequences number other messages; ${other}`)
  }
  if (now.lastSeq < next - 1) {
    throw new SourceStreamChangedError(step, stream, String(next), 'recreated',
      `${where} is not the one the checkpoint read: its last sequence is ${now.lastSeq}, below sequence ${next - 1} the checkpoint ` +
      `read through, so it was deleted and re-created; ${other}`)
  }
  const lost = Math.min(now.firstSeq - 1, end ?? Number.POSITIVE_INFINITY)
  if (lost >= next) {
    throw new SourceStreamChangedError(step, stream, String(next), 'trimmed',
      `${where} lost messages since the checkpoint: the checkpoint read through sequence ${next - 1}, but the stream's first ` +
      `sequence is now ${now.firstSeq}, so messages ${next}–${lost} were removed (purged, or dropped by the stream's limits or ` +
      `retention) before this job read them${subject === undefined ? '' : ` (some may have been on other subjects than '${subject}'; the stream cannot tell)`}; ` +
      'put them back (e.g. `nats stream restore` of a backup) and restore again, or start the job without restore to read the ' +
      "stream as it is now, from its first sequence, with the steps' state empty")
  }
}

/**
 * Throws SourceStreamChangedError ('trimmed') when a running source, reading a stream without a
 * subject filter, finds messages `next`…`seq` − 1 skipped and the stream's first sequence now at
 * or past `seq`: they were removed from its start (purged, or dropped by its limits or retention
 * while the job was behind) before the consumer delivered them. A gap with older messages still
 * in the stream is messages deleted on their own (`nats stream rmm`): not a loss an uninterrupted
 * run would have avoided, so it goes on.
 *
 * @example
 * checkGapKept('in', 'ORDERS', 8501, 9001, 9001) // throws: messages 8501–9000 were dropped unread
 */
export function checkGapKept(step: string, stream: string, next: number, seq: number, firstSeq: number): void {
  if (firstSeq < seq) return
  throw new SourceStreamChangedError(step, stream, String(next), 'trimmed',
    `step '${step}' (jetstream source): stream '${stream}' lost messages ${next}–${seq - 1} before this job read them: the stream's ` +
    `first sequence is now ${firstSeq} (purged, or dropped by the stream's limits or retention while the job was behind); the checkpoints ` +
    'are behind the loss too: give the stream room for what the job has not read yet (max_msgs, max_bytes, max_age) or make the job ' +
    "keep up, and start it without restore to read the stream as it is now, from its first sequence, with the steps' state empty")
}
