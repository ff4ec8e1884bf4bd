import type { KeyGroup, StateHolder } from '../../persistence/state-holder.ts'
import type { OwnedKeyGroups } from './keyed-state-setup.ts'
import { EventClock } from './event-clock.ts'
import { KeyedStateHolder } from './keyed-state-holder.ts'
import { ListState } from './list-state.ts'
import { MapState } from './map-state.ts'
import { StateDeclarationError } from './state-declaration-error.ts'
import { checkStateOptions, type StateOptions } from './state-options.ts'
import { ValueState } from './value-state.ts'

/**
 * `ctx.state`: per-key state the runtime owns for a `.process` step after `.keyBy` — versioned,
 * checkpointed (incrementally too), moved by key group when the parallelism changes, with an
 * optional TTL. Declare each state in `open(ctx)` and keep the handle; accessors take a record
 * of the step's input and address its keyBy key.
 *
 * @example
 * open(ctx) { this.count = ctx.state.value<number>('count', { version: '1.0.0', ttl: { ms: 60_000 } }) }
 */
export interface OxiState {
  value<T, R = unknown>(name: string, options?: StateOptions<T, R>): ValueState<T, R>
  map<K, V, R = unknown>(name: string, options?: StateOptions<V, R>): MapState<K, V, R>
  list<T, R = unknown>(name: string, options?: StateOptions<T, R>): ListState<T, R>
}

/**
 * Where a step's declared states come from: its name, keyBy key (undefined: not keyed), key
 * groups and clocks.
 *
 * @example
 * const env: StateEnvironment = { step: 'count', keyOf: (r) => r.user, groupOf, now: () => clock.now(), watermark: () => wm }
 */
export interface StateEnvironment {
  readonly step: string
  readonly keyOf: ((record: unknown) => unknown) | undefined
  readonly groupOf: (key: unknown) => KeyGroup
  /** The key groups the instance owns (a key outside them is refused: StateKeyError). */
  readonly owned?: OwnedKeyGroups
  readonly now: () => number
  /** The highest watermark the step received. */
  readonly watermark: () => number
}

/**
 * The `ctx.state` of one step instance: declarations while `open` runs, one KeyedStateHolder
 * per declared state (`holders()`), refusals after it. With an event-time TTL, the step's
 * EventClock too (one for all its states, a holder of its own).
 *
 * @example
 * const states = new DeclaredStates(env); oxi.open(ctxWith(states)); states.close(); op.holders = () => states.holders()
 */
export class DeclaredStates implements OxiState {
  private readonly declared = new Map<string, KeyedStateHolder>()
  private open = true
  private clock: EventClock | undefined

  constructor(private readonly env: StateEnvironment) {}

  value<T, R = unknown>(name: string, options?: StateOptions<T, R>): ValueState<T, R> {
    return new ValueState(this.declare(name, options, 'value', (v, m) => m(v)))
  }

  map<K, V, R = unknown>(name: string, options?: StateOptions<V, R>): MapState<K, V, R> {
    return new MapState(this.declare(name, options, 'map', (v, m) => new Map([...(v as Map<unknown, unknown>)].map(([k, x]) => [k, m(x)]))))
  }

  list<T, R = unknown>(name: string, options?: StateOptions<T, R>): ListState<T, R> {
    return new ListState(this.declare(name, options, 'list', (v, m) => (v as unknown[]).map(m)))
  }

  /** `open` returned: no declaration is taken any more. */
  close(): void {
    this.open = false
  }

  holders(): StateHolder[] {
    const holders: StateHolder[] = [...this.declared.values()]
    if (this.clock) holders.push(this.clock)
    return holders
  }

  private declare(name: string, options: StateOptions<any> | undefined, kind: 'value' | 'map' | 'list',
    migrateValue: (value: unknown, migrate: (unit: unknown) => unknown) => unknown): KeyedStateHolder {
    const { step, keyOf } = this.env
    checkStateOptions(step, name, options)
    if (!this.open) {
      throw new StateDeclarationError(step, name, `was declared (ctx.state.${kind}) after open`,
        'declare every state in open(ctx) and keep the handle on the Oxi — a state declared later would miss the restore and the checkpoints taken before it')
    }
    if (!keyOf) {
      throw new StateDeclarationError(step, name, 'needs a keyed input, and this .process step does not follow .keyBy',
        `add .keyBy((r) => r.yourKey) before .process('${step}', …), or keep unkeyed state in a holder of your own (holders())`)
    }
    if (this.declared.has(name)) {
      throw new StateDeclarationError(step, name, 'is declared twice', 'give each state of a step its own name')
    }
    const eventClock = options?.ttl?.time === 'event' ? (this.clock ??= new EventClock(step)) : undefined
    const holder = new KeyedStateHolder({ ...this.env, keyOf, name, kind, options: options ?? {}, migrateValue, ...(eventClock && { eventClock }) })
    this.declared.set(name, holder)
    return holder
  }
}
