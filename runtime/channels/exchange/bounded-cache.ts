/**
 * A map that keeps at most `limit` entries, dropping the oldest inserted when full. Holds the
 * generated row encoders and decoders: a stream has a handful of record shapes, and shapes that
 * never repeat must not grow memory without bound.
 *
 * @example
 * const decoders = new BoundedCache<string, RowDecoder>(256)
 * const decode = decoders.get(signature, () => generate(keys))
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>()

  constructor(readonly limit: number) {}

  /** The value under `key`, made (and kept) on a miss. */
  get(key: K, make: () => V): V {
    let value = this.entries.get(key)
    if (value === undefined) {
      value = make()
      if (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value!)
      this.entries.set(key, value)
    }
    return value
  }
}
