import type { StepNode } from '../graph/step-spec.ts'

/**
 * What a step is beyond its kind, for the plan: a source's or sink's description (and what a
 * side-output sink writes), a window's window and output, a batch's size, a mapAsync's
 * concurrency; undefined when the kind says it all.
 *
 * @example
 * stepDetail(step) // 'tumbling({ size: 60000 }) → aggregate(n, total)'
 */
export function stepDetail(step: StepNode): string | undefined {
  const spec = step.spec
  switch (spec.kind) {
    case 'source':
      return `${spec.source.description}${spec.source.bounded ? '' : ', unbounded'}${spec.source.splittable ? ', splittable' : ''}`
    case 'sink': {
      const of = spec.sideOutputOf
      if (!of) return spec.sink.description
      const what = [
        ...(of.deadLetters.length > 0 ? [`dead letters of ${of.deadLetters.join(', ')}`] : []),
        ...(of.late.length > 0 ? [`late records of ${of.late.join(', ')}`] : []),
      ]
      return `${spec.sink.description}: ${what.join('; ')}`
    }
    case 'window': {
      const output = spec.output
      const out = output.kind === 'aggregate' ? `aggregate(${Object.keys(output.aggregates).join(', ')})` : output.kind
      return `${spec.windowName}: ${spec.window.description} → ${out}${spec.lateTo ? `, late records to ${spec.lateTo.description}` : ''}`
    }
    case 'batch':
      return `size ${spec.size}${spec.maxWaitMs === undefined ? '' : `, max wait ${spec.maxWaitMs} ms`}`
    case 'mapAsync':
      return `concurrency ${spec.concurrency}`
    default:
      return undefined
  }
}
