import { hostname } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { openStore } from '../../persistence/stores/open-store.ts'
import type { Lease, LeaseOwner, StateStore } from '../../persistence/stores/state-store.ts'
import { InvalidOptionError } from '../../runtime/errors/invalid-option-error.ts'
import { LeaseHeldError } from '../../runtime/errors/lease-held-error.ts'
import { StaleFenceError } from '../../persistence/errors/stale-fence-error.ts'
import type { Job, JobSummary } from '../../runtime/job.ts'
import { liveMembers } from './live-members.ts'
import { checkPartitionOptions, type PartitionEvent, type PartitionRunOptions } from './partition-options.ts'
import { doneMarker, donePrefix, memberLease, partitionLease } from './partition-keys.ts'

/** What `runner.done` resolves with. */
export interface PartitionsSummary {
  readonly group: string
  readonly runner: string
  /** completed: every partition of the group ran to its end (here or elsewhere); stopped: `stop()`. */
  readonly status: 'completed' | 'stopped'
  /** The summary of each partition job this runner ran to its end, by partition. */
  readonly completed: Readonly<Record<number, JobSummary>>
}

interface Owned {
  readonly lease: Lease
  readonly job: Job
  /** Set when this runner stops the job itself (hand-over, lost lease, stop). */
  leaving?: PartitionEvent['kind']
}

/**
 * Runs the partitions of one input across several runners (processes, on one machine or many)
 * that share a store. Each partition is a pipeline of its own (own id, own checkpoints); a
 * runner runs the partitions whose lease it holds, renews those leases every poll, and takes
 * free ones up to its fair share ⌈open partitions / live runners⌉ — counted from membership
 * leases — handing extra ones over (graceful stop with a final checkpoint, then release) when
 * another runner joins. A runner that dies loses its leases after `ttlMs`, at once on the same
 * host (its pid is dead); the others then take its partitions and restore them from their latest
 * checkpoints, so with replayable sources and exactly-once sinks the output stays exactly-once.
 * A partition that ran to its end is marked done in the store and never run again. A runner's
 * first round only announces it, so runners started together split the partitions at once.
 *
 * @example
 * const runner = new PartitionRunner({ group: 'orders', partitions: 4, store: '.oxiflow', pipeline: (p) => build(p), run: { checkpointInterval: 1000 } })
 * await runner.done
 */
export class PartitionRunner {
  readonly done: Promise<PartitionsSummary>
  readonly owner: LeaseOwner
  private readonly store: StateStore
  private readonly owned = new Map<number, Owned>()
  private readonly completed: Record<number, JobSummary> = {}
  private readonly pipelineIds = new Map<string, number>()
  private member: Lease | undefined
  private joined = false
  private failure: unknown
  private stopRequested = false
  private wake = new AbortController()

  constructor(private readonly options: PartitionRunOptions) {
    checkPartitionOptions(options)
    const host = hostname()
    this.owner = { runner: options.runner ?? process.env.OXIFLOW_RUNNER_ID ?? `${host}:${process.pid}`, host, pid: process.pid }
    this.store = typeof options.store === 'string' ? openStore(options.store) : options.store
    this.done = this.loop()
    this.done.catch(() => {})
  }

  /** The partitions this runner runs now. */
  partitions(): number[] {
    return [...this.owned.keys()].sort((a, b) => a - b)
  }

  /** Stops every partition job gracefully (each takes a final checkpoint) and releases the leases. */
  stop(): Promise<PartitionsSummary> {
    this.stopRequested = true
    this.wake.abort()
    return this.done
  }

  private get ttl(): number { return this.options.ttlMs ?? 15_000 }

  private async loop(): Promise<PartitionsSummary> {
    try {
      for (;;) {
        if (this.failure !== undefined) throw this.failure
        if (this.stopRequested) break
        if (await this.tick()) return this.summary('completed')
        await sleep(this.options.pollMs ?? 500, undefined, { signal: this.wake.signal }).catch(() => undefined)
      }
      await this.leaveAll('handed-over')
      if (this.failure !== undefined) throw this.failure
      return this.summary('stopped')
    } catch (e) {
      await this.leaveAll('handed-over').catch(() => undefined)
      throw e
    } finally {
      await this.member?.release().catch(() => undefined)
      if (typeof this.options.store === 'string') await this.store.close().catch(() => undefined)
    }
  }

  /** One round: membership, renewals, balance, new partitions. True once every partition is done. */
  private async tick(): Promise<boolean> {
    const { group, partitions } = this.options
    if (!this.member || !(await this.member.renew())) this.member = await this.store.lease(memberLease(group, this.owner.runner), this.owner, this.ttl)
    if (!this.joined) {
      // The first round only announces this runner: runners started together then see each
      // other before taking partitions, and split them without a hand-over.
      this.joined = true
      return false
    }
    for (const [p, o] of this.owned) {
      if (!o.leaving && !(await o.lease.renew())) this.leave(p, 'lost')
    }
    const done = new Set((await this.store.list(donePrefix(group))).map((k) => Number(k.slice(k.lastIndexOf('/') + 1))))
    if (done.size >= partitions && this.owned.size === 0) return true
    const share = Math.ceil((partitions - done.size) / await liveMembers(this.store, group))
    const active = [...this.owned.entries()].filter(([, o]) => !o.leaving)
    if (active.length > share) {
      // One at a time: the other runners take it over before this one gives up more.
      this.leave(active[active.length - 1][0], 'handed-over')
      return false
    }
    for (let p = 0; p < partitions && this.owned.size < share; p++) {
      if (done.has(p) || this.owned.has(p)) continue
      const lease = await this.store.lease(partitionLease(group, p), this.owner, this.ttl)
      if (!lease) continue
      // Its last holder writes the done marker before releasing the lease: read after taking it,
      // the marker tells whether the partition finished since the list above.
      if (await this.store.get(doneMarker(group, p)) !== undefined) { await lease.release(); continue }
      this.start(p, lease)
    }
    return false
  }

  private start(partition: number, lease: Lease): void {
    const p = this.options.pipeline(partition)
    const other = this.pipelineIds.get(p.id)
    if (other !== undefined && other !== partition) {
      this.failure = new InvalidOptionError('pipeline', `partitions.run: partitions ${other} and ${partition} build the same pipeline id '${p.id}'; ` +
        'give each partition its own id, e.g. pipeline(`orders-p${partition}`), so each has its own checkpoints')
      void lease.release()
      return
    }
    this.pipelineIds.set(p.id, partition)
    const job = p.run({ ...this.options.run, store: this.store, restore: 'latest' })
    const entry: Owned = { lease, job }
    this.owned.set(partition, entry)
    // The partition stays owned until its done marker and lease release are written, so a round
    // in between neither takes it again nor counts it as free.
    job.done.then(async (summary) => {
      if (summary.status === 'completed' && entry.leaving !== 'lost') {
        // Fenced by the partition lease: a runner that lost it meanwhile cannot mark it done.
        await this.store.put(doneMarker(this.options.group, partition), new TextEncoder().encode(this.owner.runner), { fence: { lease: lease.name, token: lease.token } })
        this.completed[partition] = summary
        this.emit({ kind: 'completed', partition, runner: this.owner.runner })
      }
      await lease.release()
      this.owned.delete(partition)
    }).catch(async (e: unknown) => {
      await lease.release().catch(() => undefined)
      this.owned.delete(partition)
      // The previous owner's job lease is still valid (another host, within its TTL): try again at a later round.
      // A fenced done marker: the lease was lost meanwhile, the new holder finishes the partition.
      if (!(e instanceof LeaseHeldError || e instanceof StaleFenceError) && !entry.leaving) this.failure ??= e
    }).finally(() => { if (this.stopRequested || this.failure !== undefined) this.wake.abort() })
    // 'acquired' once the job restored (or started fresh), so the event can say from where.
    void waitForRestore(job).then((checkpointId) => this.emit({ kind: 'acquired', partition, runner: this.owner.runner, checkpointId }))
  }

  private leave(partition: number, why: PartitionEvent['kind']): void {
    const o = this.owned.get(partition)
    if (!o || o.leaving) return
    o.leaving = why
    this.emit({ kind: why, partition, runner: this.owner.runner })
    void o.job.stop().catch(() => undefined)
  }

  private async leaveAll(why: PartitionEvent['kind']): Promise<void> {
    const jobs = [...this.owned.entries()].map(([p, o]) => { this.leave(p, why); return o.job.done.catch(() => undefined) })
    await Promise.all(jobs)
    // Let the completion handlers release the leases.
    while (this.owned.size > 0) await sleep(5)
  }

  private emit(event: PartitionEvent): void {
    this.options.onEvent?.(event)
  }

  private summary(status: PartitionsSummary['status']): PartitionsSummary {
    return { group: this.options.group, runner: this.owner.runner, status, completed: { ...this.completed } }
  }
}

/** The checkpoint a job restored, once it knows (polls its metrics while it starts). */
async function waitForRestore(job: Job): Promise<number | undefined> {
  for (let i = 0; i < 400; i++) {
    const m = job.metrics()
    if (m.status !== 'starting') return m.restore?.checkpointId
    await sleep(25)
  }
  return undefined
}
