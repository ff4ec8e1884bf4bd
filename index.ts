/**
 * oxiflow — the public API. Everything a user needs is exported here and nowhere else.
 *
 * @example
 * import { pipeline, sources, sinks } from 'oxiflow'
 * const p = pipeline('hello').source('in', sources.iterable([1, 2, 3])).map((n) => n * 2).sink('out', sinks.collect())
 * console.log((await p.run().done).results.out) // [2, 4, 6]
 */
export { pipeline, Pipeline } from './runtime/pipeline.ts'
export type { WindowedStream, WindowResult, AggregateFields, AggregatorOf } from './runtime/windowed-pipeline.ts'
export type { Window, WindowHost, WindowAccumulator, EventTimeOptions } from './runtime/contracts/window.ts'
export type { Job, JobSummary, JobMetrics, JobStatus, StepSummary, StepMetrics, RunOptions } from './runtime/job.ts'
export type { Source, SourceReader, SourceContext } from './runtime/contracts/source.ts'
export type { Sink, SinkWriter, SinkContext } from './runtime/contracts/sink.ts'
export type { Oxi, OxiContext } from './runtime/contracts/oxi.ts'
export type { ErrorPolicy, StepOptions, DeadLetter } from './runtime/step-options.ts'
export type { CheckpointBarrier, Message } from './runtime/messages.ts'
export type { StateHolder, KeyGroup } from './persistence/state-holder.ts'
export { isStateHolder } from './persistence/state-holder.ts'
export { systemClock, virtualClock, type Clock, type VirtualClock } from './runtime/clock.ts'
export { keyGroupOf } from './runtime/key-groups/key-group-assignment.ts'
export { OxiflowError, isOxiflowError } from './runtime/errors/oxiflow-error.ts'
export { PipelineDefinitionError, isPipelineDefinitionError } from './runtime/errors/pipeline-definition-error.ts'
export { InvalidOptionError, isInvalidOptionError } from './runtime/errors/invalid-option-error.ts'
export { StepError, isStepError } from './runtime/errors/step-error.ts'
export { RecordParseError, isRecordParseError } from './runtime/errors/record-parse-error.ts'
export { WorkerCrashError, isWorkerCrashError } from './runtime/errors/worker-crash-error.ts'
export * as sources from './components/sources/index.ts'
export * as sinks from './components/sinks/index.ts'
export * as windows from './components/windows/index.ts'
export * as agg from './components/aggregators/index.ts'
export * as testing from './runtime/testing/index.ts'
export { PartialAggregateError, isPartialAggregateError } from './runtime/errors/partial-aggregate-error.ts'
export { StateVersionError, isStateVersionError } from './runtime/errors/state-version-error.ts'
