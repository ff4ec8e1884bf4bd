import { OxiflowError } from '../errors/oxiflow-error.ts'

/**
 * The checkpoint a job takes once its input ran out and every step ended could not be taken
 * (after retries). It commits what the sinks staged since the last checkpoint, so the job cannot
 * count as completed without it: it fails, and a restore (a restart, or `restore: 'latest'`)
 * replays from the last committed checkpoint and finishes exactly once. `cause` is the last
 * attempt's error.
 *
 * @example
 * job.done.catch((e) => { if (isEndCheckpointError(e)) console.error(e.message, e.cause) })
 */
export class EndCheckpointError extends OxiflowError {
  override readonly name = 'EndCheckpointError'
  constructor(readonly pipelineId: string, readonly attempts: number, readonly lastCommitted: number | undefined, cause: unknown) {
    super('ERR_END_CHECKPOINT', `pipeline '${pipelineId}' read all its input, but its last checkpoint failed ${attempts} time${attempts === 1 ? '' : 's'} ` +
      `(${cause instanceof Error ? cause.message : String(cause)}): what its sinks staged after ` +
      `${lastCommitted === undefined ? 'the start' : `checkpoint ${lastCommitted}`} is not committed. ${fixFirst(cause)}, run it again ` +
      "with restore: 'latest' (--restore latest): it finishes exactly once", { cause })
  }
}

/** What to do before the rerun: a state no checkpoint can hold, or a broker's refusal, fails every attempt until fixed. */
function fixFirst(cause: unknown): string {
  const code = (cause as { code?: unknown } | undefined)?.code
  if (code === 'ERR_STATE_SNAPSHOT') return 'Fix the state the error names (a rerun fails the same way until then), then'
  if (code === 'ERR_BROKER_REFUSED') return 'Fix what the broker refused, as its error says (a rerun fails the same way until then), then'
  return "Once the store and the sinks' servers are reachable"
}

export function isEndCheckpointError(e: unknown): e is EndCheckpointError {
  return e instanceof EndCheckpointError
}
