import type { SinkWriter } from '../contracts/sink.ts'
import { BatchOperator } from './batch-operator.ts'
import { FilterOperator } from './filter-operator.ts'
import { FlatMapOperator } from './flat-map-operator.ts'
import { MapAsyncOperator } from './map-async-operator.ts'
import { MapOperator } from './map-operator.ts'
import type { Operator, OperatorContext, Output } from './operator.ts'
import { PassOperator } from './pass-operator.ts'
import { instantiateOxi } from './oxi-instances.ts'
import { ProcessOperator } from './process-operator.ts'
import { ReduceOperator } from './reduce-operator.ts'
import { SinkOperator } from './sink-operator.ts'
import { WindowOperator } from './window/window-operator.ts'

/**
 * Creates the operator of one step instance. `sinkWriter` is the opened writer for a sink step.
 *
 * @example
 * const op = createOperator(ctx, router)
 */
export function createOperator(ctx: OperatorContext, next: Output, sinkWriter?: SinkWriter<unknown>): Operator {
  const spec = ctx.step.spec
  switch (spec.kind) {
    case 'source':
    case 'union':
      return new PassOperator(ctx, next)
    case 'map':
      return new MapOperator(ctx, spec.fn, next)
    case 'filter':
      return new FilterOperator(ctx, spec.fn, next)
    case 'flatMap':
      return new FlatMapOperator(ctx, spec.fn, next)
    case 'mapAsync':
      return new MapAsyncOperator(ctx, spec.fn, spec.concurrency, next)
    case 'batch':
      return new BatchOperator(ctx, spec.size, spec.maxWaitMs, next)
    case 'reduce':
      return new ReduceOperator(ctx, spec.fn, spec.init, next)
    case 'process':
      return new ProcessOperator(ctx, instantiateOxi(ctx.step.name, spec.oxi), next)
    case 'window':
      return new WindowOperator(ctx, spec, next)
    case 'sink':
      return new SinkOperator(ctx, sinkWriter!)
  }
}
