import { InvalidOptionError } from '../errors/invalid-option-error.ts'
import { OxiflowError } from '../errors/oxiflow-error.ts'
import { PipelineDefinitionError } from '../errors/pipeline-definition-error.ts'
import { RecordParseError } from '../errors/record-parse-error.ts'
import { IterableConsumedError } from '../errors/iterable-consumed-error.ts'
import { SourceInputChangedError } from '../errors/source-input-changed-error.ts'
import { SourceStreamChangedError } from '../errors/source-stream-changed-error.ts'
import { BrokerRefusedError } from '../errors/broker-refused-error.ts'
import { StepError } from '../errors/step-error.ts'
import { WorkerCrashError } from './worker-crash-error.ts'
import { IncompatibleStateError } from '../operators/window/incompatible-state-error.ts'
import { PartialAggregateError } from '../operators/window/partial-aggregate-error.ts'
import { InvalidKeyError } from '../key-groups/invalid-key-error.ts'
import { KeyFunctionError } from '../key-groups/key-function-error.ts'
import { CorruptSnapshotError } from '../../persistence/codec/corrupt-snapshot-error.ts'
import { StateVersionError } from '../../persistence/checkpoints/state-version-error.ts'
import { StateRestoreError } from '../../persistence/checkpoints/state-restore-error.ts'
import { StateSnapshotError } from '../../persistence/codec/state-snapshot-error.ts'
import { EncodeWorkerError } from '../../persistence/codec/encode-worker-error.ts'
import { InvalidHolderError } from '../../persistence/registry/invalid-holder-error.ts'
import { StateDeclarationError } from '../state/state-declaration-error.ts'
import { KeyedStateRestoreError } from '../state/keyed-state-restore-error.ts'
import { StateKeyError } from '../state/state-key-error.ts'
import { StateValueError } from '../state/state-value-error.ts'
import { MissingBlobError } from '../../persistence/checkpoints/missing-blob-error.ts'
import { CorruptCheckpointError } from '../../persistence/checkpoints/corrupt-checkpoint-error.ts'
import { StoreIoError } from '../../persistence/stores/store-io-error.ts'
import { StoreUnavailableError } from '../../persistence/stores/store-unavailable-error.ts'
import { StoreLockTimeoutError } from '../../persistence/stores/store-lock-timeout-error.ts'
import { StaleFenceError } from '../../persistence/stores/stale-fence-error.ts'
import { CorruptStoreFileError } from '../../persistence/stores/corrupt-store-file-error.ts'
import { DamagedBlobError } from '../../persistence/stores/damaged-blob-error.ts'

/** An error as plain data: its class name, message, stack, own fields and cause. */
export interface SerializedError {
  readonly name: string
  readonly message: string
  readonly stack: string | undefined
  readonly fields: Record<string, unknown>
  readonly cause: SerializedError | { readonly value: unknown } | undefined
}

/** The typed errors a worker can throw (or the main thread can throw to a worker), rebuilt with their class on the other side. */
const CLASSES: Record<string, new (...args: never[]) => Error> = {
  OxiflowError, PipelineDefinitionError, InvalidOptionError, StepError, RecordParseError, WorkerCrashError,
  IncompatibleStateError, PartialAggregateError, CorruptSnapshotError, StateVersionError, InvalidKeyError, KeyFunctionError,
  StateSnapshotError, StateRestoreError, EncodeWorkerError, StateDeclarationError, KeyedStateRestoreError, StateKeyError, StateValueError, IterableConsumedError, InvalidHolderError,
  SourceInputChangedError, SourceStreamChangedError, BrokerRefusedError, MissingBlobError, CorruptCheckpointError,
  // A store's errors, met by a worker through the store port (its reads and writes are the main thread's).
  StoreIoError, StoreUnavailableError, StoreLockTimeoutError, StaleFenceError, CorruptStoreFileError, DamagedBlobError,
}

/** Turns any thrown value into plain data that survives postMessage with its fields. */
export function serializeError(e: unknown): SerializedError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e), stack: undefined, fields: {}, cause: undefined }
  const fields: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(e)) {
    if (k !== 'cause' && k !== 'message' && k !== 'stack') fields[k] = cloneable(v)
  }
  const cause = e.cause === undefined ? undefined : e.cause instanceof Error ? serializeError(e.cause) : { value: cloneable(e.cause) }
  return { name: e.name, message: e.message, stack: e.stack, fields, cause }
}

/**
 * Rebuilds a serialized error: an oxiflow error gets its own class back (so `instanceof
 * StepError` and its `step`/`offset` work on the main thread); anything else becomes an Error
 * with the same name, message and stack.
 */
export function rebuildError(s: SerializedError): Error {
  const Class = CLASSES[s.name]
  // A real Error (with its internal slot, as util.types.isNativeError checks) whose prototype is
  // the class's, without running the class constructor (which would compose a new message).
  const e: Error = Reflect.construct(Error, [s.message], Class ?? Error)
  Object.assign(e, s.fields)
  if (!Class) Object.defineProperty(e, 'name', { value: s.name, writable: true, configurable: true })
  Object.defineProperty(e, 'stack', { value: s.stack, writable: true, configurable: true })
  if (s.cause !== undefined) {
    Object.defineProperty(e, 'cause', { value: 'value' in s.cause ? s.cause.value : rebuildError(s.cause), writable: true, configurable: true })
  }
  return e
}

function cloneable(v: unknown): unknown {
  try {
    return structuredClone(v)
  } catch {
    return String(v) // a field that cannot cross threads (a function) travels as its text
  }
}
