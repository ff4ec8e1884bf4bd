import { resolve } from 'node:path'
import type { Sink } from '../contracts/sink.ts'
import { describeSideOutput, sideOutputsOf } from '../plan/side-output-steps.ts'
import { InvalidOptionError } from '../errors/invalid-option-error.ts'
import { PipelineDefinitionError } from '../errors/pipeline-definition-error.ts'
import type { KeySelector, Partitioning, StepNode, StepSpec } from './step-spec.ts'
import { checkName } from './step-name.ts'
import { validateStepOptions, type StepOptions } from './step-options.ts'

/**
 * The logical graph a pipeline's builder views share: steps in the order they were added.
 * Construction is deterministic and side-effect free, so worker hosts can rebuild it.
 */
export class PipelineGraph {
  readonly steps: StepNode[] = []
  private readonly byName = new Map<string, StepNode>()

  constructor(readonly id: string) {
    checkName('pipeline', id)
  }

  /** Adds a step; `name` undefined means `<kind>-<index>`. */
  add(
    name: string | undefined,
    spec: StepSpec,
    inputs: readonly StepNode[],
    partitioning: Partitioning,
    key: KeySelector | undefined,
    options: StepOptions | undefined,
  ): StepNode {
    const index = this.steps.length
    const stepName = name ?? `${spec.kind}-${index}`
    checkName('step', stepName, this.id)
    const existing = this.byName.get(stepName)
    if (existing) {
      throw new PipelineDefinitionError(
        `pipeline '${this.id}': step name '${stepName}' is used twice (${existing.spec.kind} at position ${existing.index} ` +
        `and ${spec.kind} at position ${index}); give each step its own name`, stepName)
    }
    validateStepOptions(stepName, options, spec.kind)
    const parallelism = options?.parallelism ?? 1
    if (spec.kind === 'sink' && spec.sink.singleWriter && parallelism > 1) {
      throw new InvalidOptionError('parallelism', `step '${stepName}': ${spec.sink.description} takes one writer, so options.parallelism ` +
        `must be 1 (got ${parallelism}); parallel instances would each write the same target. Parallelise the steps before the sink instead`)
    }
    const node: StepNode = { name: stepName, index, spec, inputs, partitioning, key, options: options ?? {} }
    this.steps.push(node)
    this.byName.set(stepName, node)
    return node
  }

  /** Steps that read from `node`. */
  consumersOf(node: StepNode): StepNode[] {
    return this.steps.filter((s) => s.inputs.includes(node))
  }

  /**
   * Checks the whole graph before a run: a source and a sink exist, every branch ends in a sink
   * (a record that reaches no sink would be dropped silently), and a one-writer sink (a file)
   * has one writer: one `.sink` step, or the side-output step of the steps sending it dead
   * letters or late records.
   */
  validate(): void {
    const where = `pipeline '${this.id}'`
    if (!this.steps.some((s) => s.spec.kind === 'source')) {
      throw new PipelineDefinitionError(`${where} has no source; start it with .source(name, source)`)
    }
    if (!this.steps.some((s) => s.spec.kind === 'sink')) {
      throw new PipelineDefinitionError(`${where} has no sink; end it with .sink(name, sink), e.g. .sink('out', sinks.collect())`)
    }
    for (const s of this.steps) {
      if (s.spec.kind !== 'sink' && this.consumersOf(s).length === 0) {
        throw new PipelineDefinitionError(
          `${where}: step '${s.name}' (${s.spec.kind}) leads to no sink, so its records would be dropped; ` +
          `end that branch with .sink(name, sink)`, s.name)
      }
    }
    this.checkSingleWriters()
    this.checkFiles()
  }

  /** No sink writes a file a source reads: the sink empties it when the job starts, so the input would be lost unread. */
  private checkFiles(): void {
    const read = new Map<string, string>()
    for (const s of this.steps) if (s.spec.kind === 'source' && s.spec.source.file !== undefined) read.set(resolve(s.spec.source.file), s.name)
    if (read.size === 0) return
    const written: Array<[Sink<unknown>, string]> = []
    for (const s of this.steps) {
      if (s.spec.kind === 'sink') written.push([s.spec.sink, `step '${s.name}'`])
      for (const o of sideOutputsOf(s)) written.push([o.sink, describeSideOutput(this, o.sink)!])
    }
    for (const [sink, writer] of written) {
      const reader = sink.file === undefined ? undefined : read.get(resolve(sink.file))
      if (reader === undefined) continue
      throw new PipelineDefinitionError(`pipeline '${this.id}': ${writer} (${sink.description}) writes the file that step '${reader}' reads; ` +
        'the sink empties its file when the job starts, so the input would be lost unread. Write the output to another file', reader)
    }
  }

  private checkSingleWriters(): void {
    const writers = new Map<Sink<unknown>, string[]>()
    const add = (sink: Sink<unknown>, writer: string): void => {
      if (!sink.singleWriter) return
      const list = writers.get(sink) ?? []
      if (!list.includes(writer)) list.push(writer)
      writers.set(sink, list)
    }
    for (const s of this.steps) {
      if (s.spec.kind === 'sink') add(s.spec.sink, `step '${s.name}'`)
      // A side-output sink is one writer however many steps send to it (see sideOutputSteps).
      for (const o of sideOutputsOf(s)) add(o.sink, describeSideOutput(this, o.sink)!)
    }
    for (const [sink, list] of writers) {
      if (list.length < 2) continue
      throw new PipelineDefinitionError(`pipeline '${this.id}': ${sink.description} takes one writer but is written by ${list.join(' and by ')}; ` +
        'two writers of one file overwrite each other. Join the branches with .union before one .sink, or give each its own sink')
    }
  }
}
