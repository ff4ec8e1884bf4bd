import type { MessagePort } from 'node:worker_threads'
import { LocalChannel } from './channel.ts'
import type { InputChannel, OutputChannel } from './channel-ends.ts'
import { channelId } from '../plan/channel-pairs.ts'
import type { HostId, Placement } from '../plan/placement.ts'
import type { PlanEdge } from '../plan/plan.ts'
import { RemoteReceiver } from './remote-receiver.ts'
import { RemoteSender } from './remote-sender.ts'

/**
 * The channel ends one host needs: a LocalChannel when both instances are on this host, the
 * matching end of a MessagePort pair (given by the coordinator) when one is elsewhere.
 */
export class ChannelWiring {
  private readonly local = new Map<string, LocalChannel>()
  private readonly remote: (RemoteSender | RemoteReceiver)[] = []
  /** Output channels by sending instance (`vertex:index`), with the receiver they go to (for stall reports). */
  private readonly outputs = new Map<string, { channel: OutputChannel; to: string }[]>()

  constructor(
    private readonly host: HostId,
    private readonly placement: Placement,
    private readonly ports: ReadonlyMap<string, MessagePort>,
    private readonly capacity: number,
  ) {}

  output(edge: PlanEdge, from: number, to: number): OutputChannel {
    const channel = this.placement(edge.to, to) === this.host ? this.localChannel(edge, from, to) : new RemoteSender(this.port(edge, from, to), this.capacity)
    if (channel instanceof RemoteSender) this.remote.push(channel)
    const key = `${edge.from.id}:${from}`
    const list = this.outputs.get(key) ?? []
    list.push({ channel, to: `'${edge.to.steps[0].name}' #${to}${channel instanceof RemoteSender ? ' (another thread)' : ''}` })
    this.outputs.set(key, list)
    return channel
  }

  /** The sends of instance `index` of `vertex` that wait for credit, in words (for stall reports). */
  creditWaits(vertex: number, index: number, now = performance.now()): string[] {
    const out: string[] = []
    for (const { channel, to } of this.outputs.get(`${vertex}:${index}`) ?? []) {
      const since = channel.waitingSince
      if (since !== undefined) out.push(`waiting ${((now - since) / 1000).toFixed(1)} s for credit on its channel to ${to} (the receiver has not handled what it holds)`)
    }
    return out
  }

  input(edge: PlanEdge, from: number, to: number): InputChannel {
    if (this.placement(edge.from, from) === this.host) return this.localChannel(edge, from, to)
    const receiver = new RemoteReceiver(this.port(edge, from, to))
    this.remote.push(receiver)
    return receiver
  }

  /** Fails every waiting sender (local or remote): the job is failing. */
  fail(error: unknown): void {
    for (const ch of this.local.values()) ch.fail(error)
    for (const ch of this.remote) if (ch instanceof RemoteSender) ch.fail(error)
  }

  /** Closes the ports, so neither this thread nor its peer is kept alive by them. */
  close(): void {
    for (const ch of this.remote) ch.close()
  }

  private localChannel(edge: PlanEdge, from: number, to: number): LocalChannel {
    const id = channelId(edge, from, to)
    let ch = this.local.get(id)
    if (!ch) this.local.set(id, ch = new LocalChannel(this.capacity))
    return ch
  }

  private port(edge: PlanEdge, from: number, to: number): MessagePort {
    const id = channelId(edge, from, to)
    const port = this.ports.get(id)
    if (!port) throw new Error(`host ${this.host}: no port for channel ${id}; the coordinator and this host planned different graphs`)
    return port
  }
}
