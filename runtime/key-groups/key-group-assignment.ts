import type { KeyGroup } from '../../persistence/state-holder.ts'
import type { KeyGroupRange } from '../../persistence/key-group-range.ts'
import { murmur3 } from './murmur3.ts'

/** Key groups per keyed step unless the job says otherwise (fixed for a job's lifetime). */
export const DEFAULT_MAX_KEY_GROUPS = 128

/**
 * The key group of a key: murmur3 of `String(key)`, modulo `maxKeyGroups`. Part of the stored
 * format (keyed state is snapshotted per key group).
 *
 * @example
 * keyGroupOf('user-1', 128) // an integer in [0, 128)
 */
export function keyGroupOf(key: unknown, maxKeyGroups: number): KeyGroup {
  return murmur3(String(key)) % maxKeyGroups
}

/**
 * The instance that owns a key group: contiguous ranges, as Flink assigns them, so rescaling
 * moves whole ranges.
 *
 * @example
 * instanceOf(100, 128, 2) // 1
 */
export function instanceOf(group: KeyGroup, maxKeyGroups: number, parallelism: number): number {
  return Math.floor((group * parallelism) / maxKeyGroups)
}

/** The key groups instance `index` of `parallelism` owns. */
export function rangeOf(index: number, maxKeyGroups: number, parallelism: number): KeyGroupRange {
  return {
    start: Math.ceil((index * maxKeyGroups) / parallelism),
    end: Math.ceil(((index + 1) * maxKeyGroups) / parallelism) - 1,
  }
}

/**
 * Caches key → key group for repeated keys (hot keys dominate real streams); the cache is
 * cleared when it reaches `limit` entries, so memory stays bounded for unbounded key spaces.
 *
 * @example
 * const groups = keyGroupCache(128); groups('a') === keyGroupOf('a', 128)
 */
export function keyGroupCache(maxKeyGroups: number, limit = 65_536): (key: unknown) => KeyGroup {
  const cache = new Map<unknown, KeyGroup>()
  return (key) => {
    let g = cache.get(key)
    if (g === undefined) {
      g = keyGroupOf(key, maxKeyGroups)
      if (cache.size >= limit) cache.clear()
      cache.set(key, g)
    }
    return g
  }
}
