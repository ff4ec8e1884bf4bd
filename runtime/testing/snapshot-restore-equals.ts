import { inspect, isDeepStrictEqual } from 'node:util'
import v8 from 'node:v8'
import { virtualClock, type VirtualClock } from '../clock.ts'
import type { Source, SourceReader } from '../contracts/source.ts'
import { InvalidOptionError } from '../errors/invalid-option-error.ts'
import type { JobSnapshot } from '../contracts/job.ts'
import { invalidOption } from '../option-checks.ts'
import type { RunOptions } from '../job/run-options.ts'
import type { Pipeline } from '../builder/pipeline.ts'

/**
 * Options of `testing.snapshotRestoreEquals`.
 *
 * @example
 * await testing.snapshotRestoreEquals(build, records, { at: 10, advance: () => 5, run: { batchSize: 3 } })
 */
export interface SnapshotRestoreOptions<T> {
  /** Records read before the snapshot, in [0, input.length] (default: drawn at random; the report says which). */
  readonly at?: number
  /** Other run options (`batchSize`, `maxKeyGroups`, …); the helper sets `clock`, `restoreFrom` and `snapshotAtEnd`. Inline only. */
  readonly run?: Omit<RunOptions, 'clock' | 'restoreFrom' | 'snapshotAtEnd' | 'workers' | 'module' | 'params'>
  /**
   * Processing time: milliseconds the virtual clock moves forward before each record is read
   * (records are then read one at a time). Without it the clock stays at `clockStart`.
   */
  readonly advance?: (record: T, index: number) => number
  /** Start of the virtual clock (default 0). */
  readonly clockStart?: number
  /**
   * How outputs are compared: `exact` (default) — the same records in the same order; `per-key` —
   * the same records per key, each key's in the same order (docs/architecture.md, "Same output").
   */
  readonly order?: 'exact' | 'per-key'
  /** The key of an output record for `per-key` (default: its `key` field, as window results have). */
  readonly keyOf?: (output: unknown) => unknown
}

/**
 * What `testing.snapshotRestoreEquals` found.
 *
 * @example
 * const r = await testing.snapshotRestoreEquals(build, records); t.true(r.equal, r.difference)
 */
export interface SnapshotRestoreReport {
  /** True when the output before the snapshot plus the output after the restore equals the uninterrupted run's. */
  readonly equal: boolean
  /** Records read before the snapshot. */
  readonly at: number
  /** Each sink's output in the uninterrupted run. */
  readonly expected: Readonly<Record<string, readonly unknown[]>>
  /** Each sink's output before the snapshot followed by its output after the restore. */
  readonly actual: Readonly<Record<string, readonly unknown[]>>
  /** Where the outputs first differ, when they do. */
  readonly difference: string | undefined
  /** The snapshot restored, after a v8 serialize/deserialize round trip. */
  readonly snapshot: JobSnapshot
}

/**
 * Checks that a pipeline's state survives a snapshot: runs it uninterrupted over `input`; then
 * runs it over `input[0..at)` and stops it (as `job.stop()` does: nothing fires), snapshots every
 * state holder, passes the snapshot through `v8.serialize`/`deserialize` (it must be plain data),
 * restores it into a fresh job and runs the rest. The outputs of the two parts, joined, must
 * equal the uninterrupted run's. `build` makes the pipeline from the source it is given and ends
 * every branch in `sinks.collect()`; it is called once per run, so each run has fresh instances.
 * Processing time runs on a virtual clock: no real waiting. Runs inline (`workers: 0`).
 *
 * @example
 * const report = await testing.snapshotRestoreEquals((src) => pipeline('p').source('in', src)
 *   .keyBy((r) => r.k).window('w', windows.lengthBatch(3)).aggregate('a', { n: agg.count() })
 *   .sink('out', sinks.collect()), records)
 * t.true(report.equal, report.difference)
 */
export async function snapshotRestoreEquals<T>(build: (source: Source<T>) => Pipeline<unknown>, input: readonly T[],
  options: SnapshotRestoreOptions<T> = {}): Promise<SnapshotRestoreReport> {
  if (typeof build !== 'function') {
    throw new InvalidOptionError('build', 'snapshotRestoreEquals: build must be a function (source) => pipeline that reads from the source it is given')
  }
  if (!Array.isArray(input)) throw new InvalidOptionError('input', 'snapshotRestoreEquals: input must be an array of records')
  if ((options.run as RunOptions | undefined)?.workers) {
    throw new InvalidOptionError('run.workers', 'snapshotRestoreEquals runs inline (workers: 0): it hands the pipeline a source of its own, ' +
      'which worker hosts, importing the pipeline module again, cannot receive')
  }
  const at = options.at ?? Math.floor(Math.random() * (input.length + 1))
  if (!(Number.isInteger(at) && at >= 0 && at <= input.length)) {
    throw invalidOption('snapshotRestoreEquals', 'at', `an integer in [0, ${input.length}]`, at)
  }
  const run = (clock: VirtualClock, extra: Pick<RunOptions, 'restoreFrom' | 'snapshotAtEnd'>, stopAt?: number) => {
    let stop = (): void => {}
    const job = build(arraySource(input, clock, options.advance, stopAt, () => stop())).run({ ...options.run, clock, ...extra })
    stop = () => { void job.stop() }
    return job.done
  }
  const expected = sinkOutputs((await run(virtualClock(options.clockStart ?? 0), {})).results)
  const clock = virtualClock(options.clockStart ?? 0)
  const before = await run(clock, { snapshotAtEnd: true }, at)
  // A checkpoint stores v8-serialized snapshots: anything that is not plain data fails here.
  const snapshot = v8.deserialize(v8.serialize(before.snapshot)) as JobSnapshot
  const after = await run(clock, { restoreFrom: snapshot })
  const first = sinkOutputs(before.results)
  const second = sinkOutputs(after.results)
  const actual: Record<string, unknown[]> = {}
  for (const name of Object.keys(expected)) actual[name] = [...(first[name] ?? []), ...(second[name] ?? [])]
  const order = options.order ?? 'exact'
  const difference = compare(expected, actual, order, options.keyOf ?? ((r) => (r as { key?: unknown } | null)?.key))
  return { equal: difference === undefined, at, expected, actual, difference, snapshot }
}

/** The holder the array source's reader registers, declared for a plan of the pipeline. */
const POSITION = { name: 'position', version: '1.0.0' } as const

/** Reads `input` in order, from a position its state holds; stops the job once `stopAt` records were read. */
function arraySource<T>(input: readonly T[], clock: VirtualClock, advance: ((r: T, i: number) => number) | undefined,
  stopAt: number | undefined, stop: () => void): Source<T> {
  return {
    kind: 'source',
    description: `snapshotRestoreEquals(array[${input.length}])`,
    bounded: true,
    state: [POSITION],
    open(ctx): SourceReader<T> {
      let next = 0
      const end = stopAt ?? input.length
      return {
        read(max) {
          if (next >= end) {
            if (stopAt === undefined) return undefined
            stop()
            return []
          }
          const n = advance ? 1 : Math.min(max, end - next)
          if (advance) clock.advance(advance(input[next], next))
          const batch = input.slice(next, next + n)
          next += n
          if (next >= end && stopAt !== undefined) stop()
          return batch
        },
        position: () => next,
        holders: () => [{
          stateId: `${ctx.step}/${POSITION.name}`,
          stateVersion: POSITION.version,
          snapshot: () => next,
          restore: (n: unknown) => { next = n as number },
        }],
      }
    },
  }
}

function sinkOutputs(results: Readonly<Record<string, unknown>>): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {}
  for (const [name, r] of Object.entries(results)) {
    if (!Array.isArray(r)) {
      throw new InvalidOptionError('build', `snapshotRestoreEquals: sink '${name}' gave no array of records; end every branch in sinks.collect()`)
    }
    out[name] = r
  }
  return out
}

function compare(expected: Record<string, unknown[]>, actual: Record<string, unknown[]>, order: 'exact' | 'per-key',
  keyOf: (r: unknown) => unknown): string | undefined {
  for (const name of Object.keys(expected)) {
    const e = expected[name]
    const a = actual[name]
    if (order === 'exact') {
      const d = firstDifference(e, a)
      if (d) return `sink '${name}': ${d}`
      continue
    }
    const byKey = (rs: unknown[]) => {
      const m = new Map<unknown, unknown[]>()
      for (const r of rs) {
        const k = keyOf(r)
        const list = m.get(k)
        if (list) list.push(r)
        else m.set(k, [r])
      }
      return m
    }
    const ek = byKey(e)
    const ak = byKey(a)
    for (const k of new Set([...ek.keys(), ...ak.keys()])) {
      const d = firstDifference(ek.get(k) ?? [], ak.get(k) ?? [])
      if (d) return `sink '${name}', key ${show(k)}: ${d}`
    }
  }
  return undefined
}

function firstDifference(expected: readonly unknown[], actual: readonly unknown[]): string | undefined {
  const n = Math.max(expected.length, actual.length)
  for (let i = 0; i < n; i++) {
    if (i >= expected.length) return `record ${i} is extra: ${show(actual[i])} (expected ${expected.length} records)`
    if (i >= actual.length) return `record ${i} is missing: expected ${show(expected[i])} (got ${actual.length} records)`
    if (!isDeepStrictEqual(expected[i], actual[i])) return `record ${i} differs: expected ${show(expected[i])}, got ${show(actual[i])}`
  }
  return undefined
}

function show(v: unknown): string {
  return inspect(v, { depth: 4, breakLength: Infinity, maxArrayLength: 20 })
}
