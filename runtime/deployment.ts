import { Actor } from './actor.ts'
import { LocalChannel } from './channel.ts'
import type { Clock } from './clock.ts'
import type { SinkWriter } from './contracts/sink.ts'
import type { SourceReader } from './contracts/source.ts'
import { DeadLetterWriters } from './dead-letter-writers.ts'
import { FailureHandler } from './failure-handler.ts'
import type { StepNode } from './graph.ts'
import type { CheckpointBarrier } from './messages.ts'
import { createOperator } from './operators/create-operator.ts'
import type { Operator, OperatorContext, Output } from './operators/operator.ts'
import { orderedInput, type Plan, type PlanEdge, type Vertex } from './plan.ts'
import { Router, type RouteTarget } from './router.ts'
import type { Maybe } from './sequence.ts'
import { SourceActor } from './source-actor.ts'
import { newCounters, type StepCounters } from './step-counters.ts'

export interface DeploymentOptions {
  readonly clock: Clock
  readonly batchSize: number
  readonly channelCapacity: number
  /** Called at each actor once barrier n aligned there (snapshots its holders). */
  readonly onAligned?: (instance: Instance, barrier: CheckpointBarrier) => Maybe<void>
}

/** One parallel instance of a vertex, with what runs it. */
export interface Instance {
  readonly vertex: Vertex
  readonly index: number
  readonly operators: Operator[]
  readonly counters: Map<StepNode, StepCounters>
  router: Router | undefined
  actor: Actor | undefined
  source: SourceActor | undefined
  reader: SourceReader<unknown> | undefined
}

/**
 * The running form of a plan on this thread: a channel per (edge, sender, receiver), an
 * operator chain per vertex instance, and an actor (or a source actor) per instance.
 * `workers: 0` places every instance here; the same actor code runs on worker hosts.
 */
export class Deployment {
  readonly instances: Instance[] = []
  readonly deadLetters: DeadLetterWriters
  private readonly abort = new AbortController()
  private readonly stopSignal = new AbortController()
  private readonly channels = new Map<string, LocalChannel>()

  private constructor(readonly plan: Plan, private readonly options: DeploymentOptions) {
    this.deadLetters = new DeadLetterWriters(plan.pipelineId, options.clock)
  }

  /** Creates every instance and opens readers, writers and Oxis; closes what opened if one fails. */
  static async open(plan: Plan, options: DeploymentOptions): Promise<Deployment> {
    const d = new Deployment(plan, options)
    try {
      for (const v of plan.vertices) for (let i = 0; i < v.parallelism; i++) await d.instantiate(v, i)
    } catch (e) {
      await d.close()
      throw e
    }
    return d
  }

  /** Starts every actor; resolves when all finished, rejects with the first failure. */
  run(): Promise<void> {
    // Receivers subscribe before any source sends: a Subject drops what it gets with no subscriber.
    for (const inst of this.instances) inst.actor?.start()
    for (const inst of this.instances) inst.source?.start()
    return new Promise((resolve, reject) => {
      let pending = this.instances.length
      for (const inst of this.instances) {
        (inst.actor?.finished ?? inst.source!.finished).then(() => { if (--pending === 0) resolve() }, reject)
      }
    })
  }

  /** Graceful stop: sources read no more; what is in flight drains to the sinks. */
  stop(): void {
    for (const inst of this.instances) inst.source?.requestStop()
  }

  /** Hard stop after a failure: waiting senders fail, actors stop handling, readers are told. */
  cancel(error: unknown): void {
    this.abort.abort(error)
    for (const ch of this.channels.values()) ch.fail(error)
    for (const inst of this.instances) {
      inst.actor?.cancel()
      inst.source?.requestStop()
    }
  }

  /** Closes every operator, reader and dead-letter writer; the first close error is thrown after all ran. */
  async close(): Promise<void> {
    const errors: unknown[] = []
    const run = async (f: (() => Maybe<void>) | undefined): Promise<void> => {
      try { await f?.() } catch (e) { errors.push(e) }
    }
    for (const inst of this.instances) {
      for (const op of inst.operators) await run(op.close && (() => op.close!()))
      await run(inst.reader?.close && (() => inst.reader!.close!()))
    }
    await run(() => this.deadLetters.close())
    if (errors.length > 0) throw errors[0]
  }

  private async instantiate(vertex: Vertex, index: number): Promise<void> {
    const inst: Instance = { vertex, index, operators: [], counters: new Map(), router: undefined, actor: undefined, source: undefined, reader: undefined }
    this.instances.push(inst)
    const targets: RouteTarget[] = vertex.outputs.map((edge) => ({
      exchange: edge.exchange,
      toStep: edge.to.steps[0].name,
      channels: edge.exchange.kind === 'forward' ? [this.channel(edge, index, index)]
        : Array.from({ length: edge.to.parallelism }, (_, j) => this.channel(edge, index, j)),
    }))
    inst.router = targets.length > 0 ? new Router(targets, this.plan.maxKeyGroups) : undefined
    let next: Output = inst.router ?? NOWHERE
    let schedule: (tick: () => Maybe<void>) => void = () => {}
    const contexts: OperatorContext[] = []
    for (let s = vertex.steps.length - 1; s >= 0; s--) {
      const step = vertex.steps[s]
      const counters = newCounters()
      inst.counters.set(step, counters)
      const ctx: OperatorContext = {
        pipelineId: this.plan.pipelineId, step, instance: index, parallelism: vertex.parallelism,
        maxKeyGroups: this.plan.maxKeyGroups, clock: this.options.clock, counters,
        failures: new FailureHandler(step.name, step.options.onError ?? 'fail', counters, this.deadLetters.outletFor(step)),
        setTimer: (ms, fn) => this.options.clock.setTimer(ms, () => schedule(fn)),
      }
      contexts.unshift(ctx)
      const writer = step.spec.kind === 'sink'
        ? await step.spec.sink.open({ pipelineId: this.plan.pipelineId, step: step.name, clock: this.options.clock }) as SinkWriter<unknown>
        : undefined
      const op = createOperator(ctx, next, writer)
      inst.operators.unshift(op)
      next = op
    }
    for (const op of inst.operators) await op.open?.()
    const onAligned = (b: CheckpointBarrier): Maybe<void> => this.options.onAligned?.(inst, b)
    const head = vertex.steps[0]
    if (head.spec.kind === 'source') {
      const rejects: Promise<unknown>[] = []
      const ctx = contexts[0]
      inst.reader = await head.spec.source.open({
        pipelineId: this.plan.pipelineId, step: head.name, clock: this.options.clock, signal: this.abortOrStop(),
        split: { index, count: vertex.parallelism },
        reject: (error, offset, raw) => {
          const r = ctx.failures.handle([raw], offset, error, () => { throw error })
          if (r instanceof Promise) rejects.push(r)
        },
      })
      const settle = (): Promise<void> | undefined => rejects.length === 0 ? undefined : Promise.all(rejects.splice(0)).then(() => {})
      inst.source = new SourceActor(`${head.name}#${index}`, inst.reader, next, inst.router, this.options.batchSize,
        { index, count: vertex.parallelism }, onAligned, settle,
        () => this.stopSignal.abort())
    } else {
      const inputs = vertex.inputs.flatMap((edge) => edge.exchange.kind === 'forward' ? [this.channel(edge, index, index)]
        : Array.from({ length: edge.from.parallelism }, (_, u) => this.channel(edge, u, index)))
      const actor = new Actor(`${head.name}#${index}`, inputs, next, inst.router, onAligned, orderedInput(vertex, index), vertex.sequenced)
      inst.actor = actor
      schedule = (tick) => actor.schedule(tick)
    }
  }

  /** Readers see one signal: aborted when the job stops gracefully or fails. */
  private abortOrStop(): AbortSignal {
    return AbortSignal.any([this.abort.signal, this.stopSignal.signal])
  }

  private channel(edge: PlanEdge, from: number, to: number): LocalChannel {
    const id = `${edge.to.id}#${edge.to.inputs.indexOf(edge)}:${from}>${to}`
    let ch = this.channels.get(id)
    if (!ch) this.channels.set(id, ch = new LocalChannel(this.options.channelCapacity))
    return ch
  }
}

/** The output of a chain that ends in a sink: nothing goes further. */
const NOWHERE: Output = { batch() {}, watermark() {}, end() {} }
