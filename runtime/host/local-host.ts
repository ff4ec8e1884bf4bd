import type { MessagePort } from 'node:worker_threads'
import type { CodecName } from '../../persistence/codec/codec-name.ts'
import type { PipelineCheckpoints } from '../../persistence/checkpoints/pipeline-checkpoints.ts'
import { HostCheckpoints } from '../checkpoint/host-checkpoints.ts'
import { firstAtOrAfter } from './source-actor.ts'
import { Actor } from './actor.ts'
import { ChannelWiring } from '../channels/channel-wiring.ts'
import type { Clock } from '../clock.ts'
import type { SinkWriter } from '../contracts/sink.ts'
import { FailureHandler } from './failure-handler.ts'
import type { Instance } from './instance.ts'
import type { CheckpointBarrier } from '../messages.ts'
import { computesKeys } from '../key-groups/key.ts'
import { createOperator } from '../operators/create-operator.ts'
import type { OperatorContext, Output } from '../operators/operator.ts'
import type { Host, HostResults, InstanceStats } from './host.ts'
import { restoreInstances, snapshotInstances } from './host-snapshot.ts'
import type { JobSnapshot } from '../contracts/job.ts'
import type { HostId, Placement } from '../plan/placement.ts'
import { orderedInputs } from '../plan/ordered-inputs.ts'
import type { Plan, Vertex } from '../plan/plan.ts'
import { Router, type RouteTarget } from './router.ts'
import type { Maybe } from '../maybe.ts'
import { endingSideEdges, sideOutlet } from './side-outlets.ts'
import { deadLetterPolicyOf } from '../plan/side-output-steps.ts'
import { SourceActor } from './source-actor.ts'
import { newCounters } from './step-counters.ts'

export interface LocalHostOptions {
  /** This host, and where every instance runs: only this host's instances are created here. */
  readonly host: HostId
  readonly placement: Placement
  /** This host's ends of cross-thread channels, by channel id. */
  readonly ports: ReadonlyMap<string, MessagePort>
  readonly clock: Clock
  readonly batchSize: number
  readonly channelCapacity: number
  /** Where this host writes its snapshots, when the job takes checkpoints. */
  readonly checkpoints?: { readonly store: PipelineCheckpoints; readonly codec: CodecName }
}

/**
 * The running form of a plan on one thread (a host): an operator chain and an actor (or a
 * source actor) per instance placed here, wired by local channels to instances on the same
 * host and by MessagePorts to the others. The same code runs on the main thread and on workers.
 */
export class LocalHost implements Host {
  readonly remote = false
  readonly instances: Instance[] = []
  /** This host's side of checkpoints (after `open`, when the job takes them). */
  checkpoints: HostCheckpoints | undefined
  private readonly abort = new AbortController()
  private readonly stopSignal = new AbortController()
  private readonly wiring: ChannelWiring
  /** The close `close` waits for now, for stall reports: a close that does not return holds a stop's end. */
  private closing: { inst: Instance; what: string; since: number } | undefined

  constructor(readonly plan: Plan, private readonly options: LocalHostOptions) {
    this.wiring = new ChannelWiring(options.host, options.placement, options.ports, options.channelCapacity)
  }

  /** Creates this host's instances and opens readers, writers and Oxis; closes what opened if one fails. */
  async open(): Promise<void> {
    try {
      for (const v of this.plan.vertices) {
        for (let i = 0; i < v.parallelism; i++) if (this.options.placement(v, i) === this.options.host) await this.instantiate(v, i)
      }
      const c = this.options.checkpoints
      if (c) this.checkpoints = new HostCheckpoints(this.instances, c.store, c.codec, this.plan.maxKeyGroups, (cuts) => this.startAt(cuts))
    } catch (e) {
      await this.close().catch(() => {})
      throw e
    }
  }

  /** Starts every actor; resolves when all finished, rejects with the first failure. */
  run(): Promise<void> {
    // Receivers subscribe before any source sends: a Subject drops what it gets with no subscriber.
    for (const inst of this.instances) inst.actor?.start()
    for (const inst of this.instances) inst.source?.start()
    return new Promise((resolve, reject) => {
      let pending = this.instances.length
      if (pending === 0) resolve() // a host the placement gave nothing to
      for (const inst of this.instances) {
        (inst.actor?.finished ?? inst.source!.finished).then(() => {
          this.checkpoints?.finished(inst)
          if (--pending === 0) resolve()
        }, reject)
      }
    })
  }

  /**
   * After a restore: sources continue at the cut their checkpoint was taken at, and receivers
   * that merge by sequence number expect the first number at or after it.
   */
  startAt(cuts: Readonly<Record<number, number>>): void {
    for (const inst of this.instances) {
      const lineage = lineageSource(inst.vertex)
      const cut = lineage === undefined ? undefined : cuts[lineage.id]
      if (cut !== undefined) inst.source?.startAt(cut)
      // Each ordered input edge has its own source's numbers (a union merges several).
      for (const [g, o] of (inst.actor ? orderedInputs(inst.vertex, inst.index) ?? [] : []).entries()) {
        const from = lineageSource(o.edge.from)
        const at = from === undefined ? undefined : cuts[from.id]
        if (at !== undefined) inst.actor!.startAt(g, firstAtOrAfter(at, o.first, o.stride))
      }
    }
  }

  /** Graceful stop: sources read no more; what is in flight drains to the sinks. */
  stop(): void {
    for (const inst of this.instances) inst.source?.requestStop()
  }

  /** Hard stop after a failure: waiting senders fail, actors stop handling, readers are told. */
  cancel(error: unknown): void {
    this.abort.abort(error)
    this.wiring.fail(error)
    for (const inst of this.instances) {
      inst.actor?.cancel()
      inst.source?.requestStop()
    }
  }

  /** Closes every operator (sinks' writers, dead-letter sinks' too) and reader; the first close error is thrown after all ran. */
  async close(): Promise<void> {
    const errors: unknown[] = []
    const run = async (f: (() => Maybe<void>) | undefined): Promise<void> => {
      try { await f?.() } catch (e) { errors.push(e) }
    }
    const closing = (inst: Instance, what: string): void => { this.closing = { inst, what, since: performance.now() } }
    for (const inst of this.instances) {
      for (const [i, op] of inst.operators.entries()) {
        closing(inst, `closing step '${inst.vertex.steps[i].name}'`)
        await run(op.close && (() => op.close!()))
      }
      closing(inst, `closing the reader of source '${inst.vertex.steps[0].name}'`)
      await run(inst.reader?.close && (() => inst.reader!.close!()))
    }
    this.closing = undefined
    this.wiring.close()
    if (errors.length > 0) throw errors[0]
  }

  /** Counts and timings of this host's instances, as plain data. */
  stats(): InstanceStats[] {
    return this.instances.map((inst) => ({
      vertex: inst.vertex.id,
      index: inst.index,
      // Kept errors copied: the figures are read later (another thread, a poller) while the instance goes on noting.
      steps: [...inst.counters].map(([step, c]) => ({ step: step.name, ...c, ...(c.errors && { errors: [...c.errors] }) })),
      busyMs: inst.actor?.busyMs ?? inst.source?.busyMs ?? 0,
      blockedMs: inst.router?.blockedMs ?? 0,
      queueDepth: inst.actor?.queueDepth ?? 0,
      ...waitingOf(inst, this.wiring, this.closing?.inst === inst ? this.closing : undefined),
      ...(inst.actor && { alignment: { ...inst.actor.alignment } }),
      ...(inst.source && { read: { step: inst.vertex.steps[0].name, batches: inst.source.batches, bytes: inst.reader?.bytesRead?.(),
        bytesTotal: inst.reader?.bytesTotal?.(), skipped: inst.reader?.skipped?.() } }),
    }))
  }

  /** Snapshots the state holders of this host's instances. */
  snapshot(): JobSnapshot {
    return snapshotInstances(this.instances)
  }

  /** Restores this host's instances from a job snapshot (every id must be found when this host is the whole job). */
  restore(snapshot: JobSnapshot): void {
    restoreInstances(this.instances, snapshot, this.instances.length === this.plan.vertices.reduce((n, v) => n + v.parallelism, 0))
  }

  /**
   * Each sink instance's result (in instance order) by step name; a dead-letter sink's result
   * goes under the name of every step whose letters it writes (as `summary.deadLetters` has it),
   * a late-record sink's (when it keeps one: `collect()`) under its own step name (`<window step>-late`).
   */
  results(): HostResults {
    const results: Record<string, unknown[]> = {}
    const deadLetters: Record<string, unknown> = {}
    for (const inst of this.instances) {
      inst.vertex.steps.forEach((step, i) => {
        if (step.spec.kind !== 'sink') return
        const result = inst.operators[i].result?.()
        const side = step.spec.sideOutputOf
        // A sink several steps share holds all their letters: each step gets its own (each letter names its step).
        if (side) for (const from of side.deadLetters) deadLetters[from] = lettersOf(result, from, side.deadLetters.length > 1)
        // A late sink that keeps nothing (a file) adds no result: it is no branch of the pipeline's own.
        if (!side || (side.late.length > 0 && result !== undefined)) (results[step.name] ??= [])[inst.index] = result
      })
    }
    return { results, deadLetters }
  }

  private async instantiate(vertex: Vertex, index: number): Promise<void> {
    const inst: Instance = { vertex, index, operators: [], counters: new Map(), router: undefined, actor: undefined, source: undefined, reader: undefined }
    this.instances.push(inst)
    const targets: RouteTarget[] = vertex.outputs.map((edge) => ({
      exchange: edge.exchange,
      toStep: edge.to.steps[0].name,
      receiverComputesKeys: computesKeys(edge.to.steps[0]),
      side: edge.side,
      channels: edge.exchange.kind === 'forward' ? [this.wiring.output(edge, index, index)]
        : Array.from({ length: edge.to.parallelism }, (_, j) => this.wiring.output(edge, index, j)),
    }))
    inst.router = targets.length > 0 ? new Router(targets, this.plan.maxKeyGroups, index, vertex.renumbers) : undefined
    const router = inst.router
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
        failures: new FailureHandler(step.name, step.options.onError ?? 'fail', counters,
          router && deadLetterPolicyOf(step) ? sideOutlet(vertex, step, deadLetterPolicyOf(step)!.deadLetter, router) : undefined, index,
          step.spec.kind === 'sink'),
        lateRecords: router && step.spec.kind === 'window' && step.spec.lateTo ? sideOutlet(vertex, step, step.spec.lateTo, router) : undefined,
        setTimer: (ms, fn) => this.options.clock.setTimer(ms, () => schedule(fn)),
      }
      contexts.unshift(ctx)
      const writer = step.spec.kind === 'sink'
        ? await step.spec.sink.open({ pipelineId: this.plan.pipelineId, step: step.name, clock: this.options.clock,
          checkpointing: this.options.checkpoints !== undefined }) as SinkWriter<unknown>
        : undefined
      const op = createOperator(ctx, next, writer)
      inst.operators.unshift(op)
      next = op
    }
    for (const op of inst.operators) await op.open?.()
    // A chain ending in a sink ends there, but its side edges (dead letters, late records) must see the end too.
    if (router && vertex.steps[vertex.steps.length - 1].spec.kind === 'sink') next = endingSideEdges(next, router)
    const onAligned = (b: CheckpointBarrier): void => this.checkpoints?.aligned(inst, b)
    const head = vertex.steps[0]
    if (head.spec.kind === 'source') {
      const rejects: Promise<unknown>[] = []
      const ctx = contexts[0]
      inst.reader = await head.spec.source.open({
        pipelineId: this.plan.pipelineId, step: head.name, clock: this.options.clock, signal: this.abortOrStop(),
        split: { index, count: vertex.parallelism },
        reject: (error, offset, raw) => {
          const r = ctx.failures.reject(raw, offset, error)
          if (r instanceof Promise) rejects.push(r)
        },
      })
      const settle = (): Promise<void> | undefined => rejects.length === 0 ? undefined : Promise.all(rejects.splice(0)).then(() => {})
      inst.source = new SourceActor(`${head.name}#${index}`, inst.reader, next, inst.router, this.options.batchSize,
        { index, count: vertex.parallelism }, onAligned, settle,
        () => this.stopSignal.abort())
    } else {
      const inputs = vertex.inputs.flatMap((edge) => edge.exchange.kind === 'forward' ? [this.wiring.input(edge, index, index)]
        : Array.from({ length: edge.from.parallelism }, (_, u) => this.wiring.input(edge, u, index)))
      const actor = new Actor(`${head.name}#${index}`, inputs, next, inst.router, onAligned, orderedInputs(vertex, index), vertex.sequenced && !vertex.renumbers)
      inst.actor = actor
      schedule = (tick) => actor.schedule(tick)
    }
  }

  /** Readers see one signal: aborted when the job stops gracefully or fails. */
  private abortOrStop(): AbortSignal {
    return AbortSignal.any([this.abort.signal, this.stopSignal.signal])
  }
}

/** What an instance waits for, for stall reports: its actor's or source's state, its sends waiting for credit, its close. */
function waitingOf(inst: Instance, wiring: ChannelWiring, closing: { what: string; since: number } | undefined): { waiting?: string } {
  const closes = closing && `${closing.what} for ${((performance.now() - closing.since) / 1000).toFixed(1)} s (its close() has not returned)`
  const now = performance.now()
  // Named by the step itself: in a fused chain the actor only knows that its chain has not settled.
  const settling = inst.vertex.steps.flatMap((s) => {
    const since = inst.counters.get(s)?.settlingSince
    return since === undefined ? [] : [`step '${s.name}' (${s.spec.kind === 'sink' ? 'its write' : 'its async function'}) has not settled for ${((now - since) / 1000).toFixed(1)} s`]
  })
  const parts = [inst.actor?.waitingFor() ?? inst.source?.waitingFor(), ...settling, ...wiring.creditWaits(inst.vertex.id, inst.index), closes]
    .filter((w) => w !== undefined)
  return parts.length === 0 ? {} : { waiting: parts.join('; ') }
}

/** A dead-letter sink's result for step `from`: the letters naming it when the sink is shared (`shared`), else the result as is. */
function lettersOf(result: unknown, from: string, shared: boolean): unknown {
  return shared && Array.isArray(result) ? result.filter((l) => (l as { step?: unknown } | null)?.step === from) : result
}

/** The output of a chain that ends in a sink: nothing goes further. */
const NOWHERE: Output = { batch() {}, watermark() {}, end() {} }

/** The source whose sequence numbers reach `vertex` (through sequenced vertices), if any. */
function lineageSource(vertex: Vertex): Vertex | undefined {
  let v: Vertex = vertex
  for (;;) {
    if (v.steps[0].spec.kind === 'source') return v
    // A renumbering vertex starts its own numbers at 0 on every start: no source's cut applies.
    if (v.renumbers || v.inputs.length !== 1 || !v.inputs[0].from.sequenced) return undefined
    v = v.inputs[0].from
  }
}
