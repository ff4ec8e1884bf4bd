import { PipelineDefinitionError } from './errors/pipeline-definition-error.ts'
import type { KeySelector, Partitioning, StepNode, StepSpec } from './graph.ts'
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
    validateStepOptions(stepName, options)
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
   * Checks the whole graph before a run: a source and a sink exist, and every branch ends in
   * a sink (a record that reaches no sink would be dropped silently).
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
  }
}
