import { hostname } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { ownProcessStart } from '../../persistence/stores/lease-holder.ts'
import { openStore } from '../../persistence/stores/open-store.ts'
import type { Lease, LeaseOwner, StateStore } from '../../persistence/stores/state-store.ts'
import { InvalidOptionError } from '../errors/invalid-option-error.ts'
import type { JobSummary } from '../contracts/job.ts'
import { liveMembers } from './live-members.ts'
import { checkPartitionOptions, type PartitionEvent, type PartitionRunOptions } from './partition-options.ts'
import { PartitionJob } from './partition-job.ts'
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
  readonly pj: PartitionJob
  /** Settles once the runner took note of the job's end. */
  readonly finished: Promise<void>
}

/**
 * Runs the partitions of one input across several runners (processes, on one machine or many)
 * that share a store. Each partition is a pipeline of its own (own id, own checkpoints); a
 * runner runs the partitions whose lease it holds, renews those leases every poll (and every
 * third of `ttlMs` on a timer of its own, see heartbeat), and takes
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
  private readonly heartbeat: NodeJS.Timeout
  private beating = false

  constructor(private readonly options: PartitionRunOptions) {
    checkPartitionOptions(options)
    const host = hostname()
    this.owner = { runner: options.runner ?? process.env.OXIFLOW_RUNNER_ID ?? `${host}:${process.pid}`, host, pid: process.pid, ...ownProcessStart() }
    this.store = typeof options.store === 'string' ? openStore(options.store) : options.store
    // Renewals cannot wait for the next round: a round that takes partitions awaits the store once
    // per partition while the jobs it just started load the event loop and the store, and on a
    // loaded 2-core machine one round lasted 18 s (TTL 15 s). Its membership and first partition
    // leases expired mid-round; the other runner counted it gone and took them over — the
    // partition was 'lost' here, and the taker's job found the pipeline lease still held.
    this.heartbeat = setInterval(() => { void this.beat() }, Math.max(1, Math.floor(this.ttl / 3)))
    this.heartbeat.unref()
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
      clearInterval(this.heartbeat)
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
    for (const [p, o] of this.owned) await this.renewPartition(p, o)
    const done = new Set((await this.store.list(donePrefix(group))).map((k) => Number(k.slice(k.lastIndexOf('/') + 1))))
    if (done.size >= partitions && this.owned.size === 0) return true
    const share = Math.ceil((partitions - done.size) / await liveMembers(this.store, group))
    // A partition whose job ended is not handed over: it is being marked done and released.
    const active = [...this.owned.entries()].filter(([, o]) => !o.pj.leaving && !o.pj.ended)
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

  /**
   * The heartbeat's renewals, one beat at a time. All leases at once: the store takes them back
   * to back, where one after another each waited for the event loop, which a round's job starts
   * may hold. A failure to reach the store is left to the next round, whose own renewals fail
   * the runner if the store stays away.
   */
  private async beat(): Promise<void> {
    if (this.beating) return
    this.beating = true
    const member = this.member
    await Promise.allSettled([
      // Refused: the next round leases it again (unless it did so meanwhile).
      member?.renew().then((ok) => { if (!ok && this.member === member) this.member = undefined }),
      ...[...this.owned].map(([p, o]) => this.renewPartition(p, o)),
    ])
    this.beating = false
  }

  /**
   * Renews a partition's lease; a refusal means another runner took it: 'lost'. A leaving job's
   * lease is renewed too, until its release — its final checkpoint may take longer than the TTL
   * — and one whose job ended meanwhile released its lease itself: neither is lost.
   */
  private async renewPartition(partition: number, o: Owned): Promise<void> {
    if (!(await o.pj.lease.renew()) && !o.pj.leaving && !o.pj.ended) this.leave(partition, 'lost')
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
    const pj = new PartitionJob(partition, lease, p.run({ ...this.options.run, store: this.store, restore: 'latest' }), this.store, this.options.group, this.owner.runner)
    // 'acquired' once the job restored (or started fresh), so the event can say from where.
    const acquired = pj.restoredFrom().then((checkpointId) => {
      if (checkpointId !== null) this.emit({ kind: 'acquired', partition, runner: this.owner.runner, checkpointId })
    })
    // The partition stays owned until its done marker and lease release are written, so a round
    // in between neither takes it again nor counts it as free. A job that ends at once is still
    // reported acquired before completed.
    const finished = pj.settled.then(async ({ completed, failure }) => {
      await acquired
      this.owned.delete(partition)
      if (completed) {
        this.completed[partition] = completed
        this.emit({ kind: 'completed', partition, runner: this.owner.runner })
      } else if (pj.leaving !== undefined) {
        // Told once the job stopped: one asked to leave may reach the end of its input first, and it completed here then.
        this.emit({ kind: pj.leaving, partition, runner: this.owner.runner })
      }
      if (failure !== undefined) this.failure ??= failure
      if (this.stopRequested || this.failure !== undefined) this.wake.abort()
    })
    this.owned.set(partition, { pj, finished })
  }

  /** Stops the partition's job for `why`; the event comes when it stopped (see start). */
  private leave(partition: number, why: PartitionEvent['kind']): void {
    this.owned.get(partition)?.pj.leave(why)
  }

  private async leaveAll(why: PartitionEvent['kind']): Promise<void> {
    const owned = [...this.owned.entries()]
    for (const [p] of owned) this.leave(p, why)
    await Promise.all(owned.map(([, o]) => o.finished))
  }

  private emit(event: PartitionEvent): void {
    this.options.onEvent?.(event)
  }

  private summary(status: PartitionsSummary['status']): PartitionsSummary {
    return { group: this.options.group, runner: this.owner.runner, status, completed: { ...this.completed } }
  }
}
