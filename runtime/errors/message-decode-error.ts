import { OxiflowError } from './oxiflow-error.ts'

/**
 * A broker source could not turn a message into a record (its payload is not JSON, or the Redis
 * entry lacks the field). Names where the message is (`stream orders seq 42`, `key k id 1-0`).
 * It follows the source's `onError` policy like a malformed file line.
 *
 * @example
 * new MessageDecodeError('jetstream stream orders seq 42', 'Unexpected token x in JSON')
 */
export class MessageDecodeError extends OxiflowError {
  override readonly name = 'MessageDecodeError'
  constructor(readonly where: string, readonly reason: string) {
    super('ERR_MESSAGE_DECODE', `${where}: cannot decode the message: ${reason}; ` +
      "publish JSON payloads, pass a decode function, or set the source's onError to 'skip' or { deadLetter }")
  }

  /** The position as a step error prints it. */
  get offset(): string {
    return this.where
  }
}

export function isMessageDecodeError(e: unknown): e is MessageDecodeError {
  return e instanceof MessageDecodeError
}
