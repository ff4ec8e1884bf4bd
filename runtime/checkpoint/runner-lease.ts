import { hostname } from 'node:os'
import { ownProcessStart } from '../../persistence/stores/lease-holder.ts'
import type { Lease, LeaseOwner, StateStore } from '../../persistence/stores/state-store.ts'
import { LeaseHeldError } from './lease-held-error.ts'
import { LeaseLostError } from './lease-lost-error.ts'

/** How long a runner's lease lasts without renewal; renewed every third of it. */
export const LEASE_TTL_MS = 15_000

/** The lease a runner holds on a pipeline: `pipelines/<id>/lease`. */
export function leaseName(pipelineId: string): string {
  return `pipelines/${pipelineId}/lease`
}

/** This process as a lease owner: `OXIFLOW_RUNNER_ID`, or host:pid. */
export function runnerOwner(): LeaseOwner {
  const host = hostname()
  return { runner: process.env.OXIFLOW_RUNNER_ID ?? `${host}:${process.pid}`, host, pid: process.pid }
}

/**
 * One runner per pipeline: takes the pipeline's lease (refused with LeaseHeldError naming the
 * holder while another live runner has it; a holder on this host that is dead, or whose pid is
 * another process now, is taken over at once, elsewhere after its TTL), renews it in the background, and calls `onLost` when a renewal finds
 * it taken, or fails (store unreachable) until the lease may have expired.
 *
 * @example
 * const lease = await RunnerLease.acquire(store, 'clicks', (e) => job.fail(e))
 */
export class RunnerLease {
  private readonly timer: NodeJS.Timeout

  private constructor(private readonly lease: Lease, private readonly store: StateStore, pipelineId: string, onLost: (e: LeaseLostError) => void) {
    this.timer = setInterval(() => {
      this.lease.renew().then(
        (ok) => { if (!ok) void this.whyLost().then((why) => onLost(new LeaseLostError(pipelineId, why))) },
        // A store that is briefly unreachable (a server restart) is not a lost lease: the next
        // tick tries again, and only once the lease may have expired is the job stopped.
        (e) => { if (Date.now() >= this.lease.expiresAt) onLost(new LeaseLostError(pipelineId, e instanceof Error ? e.message : String(e), { cause: e })) })
    }, LEASE_TTL_MS / 3)
    this.timer.unref()
  }

  static async acquire(store: StateStore, pipelineId: string, onLost: (e: LeaseLostError) => void): Promise<RunnerLease> {
    const name = leaseName(pipelineId)
    // The process's start goes into the lease (not the run record's runner): a lease left by an
    // earlier process with this pid — PID 1 of a restarted container — is then seen as gone.
    const lease = await store.lease(name, { ...runnerOwner(), ...ownProcessStart() }, LEASE_TTL_MS)
    if (lease) return new RunnerLease(lease, store, pipelineId, onLost)
    const held = (await store.leases()).find((l) => l.name === name)
    throw new LeaseHeldError(pipelineId, held?.owner.runner ?? 'another runner', held?.acquiredAt, Math.max(0, (held?.expiresAt ?? Date.now()) - Date.now()))
  }

  /**
   * Why a renewal was refused: another runner holds the lease now (named), or nobody does — it
   * expired unrenewed, or the store lost it (a Redis restarted without persistence loses every
   * key); blaming another runner then sends the user looking for one that does not exist.
   */
  private async whyLost(): Promise<string> {
    let held
    try {
      held = (await this.store.leases()).find((l) => l.name === this.lease.name)
    } catch (e) {
      return `its renewal was refused and the store cannot say who holds it now: ${e instanceof Error ? e.message : String(e)}`
    }
    if (held) return `another runner holds it now: ${held.owner.runner} (token ${held.token}; ours was ${this.lease.token})`
    return `it is gone from the store and no runner holds it: it expired before this runner could renew it (the process was paused or ` +
      `the store unreachable for over ${LEASE_TTL_MS / 1000} s), or the store lost it — a Redis server restarted without persistence loses ` +
      'every lease, run record and checkpoint'
  }

  /** The fence every checkpoint write carries: a store refuses it once a newer runner holds the lease. */
  get fence(): { lease: string; token: number } {
    return { lease: this.lease.name, token: this.lease.token }
  }

  async release(): Promise<void> {
    clearInterval(this.timer)
    await this.lease.release()
  }
}
