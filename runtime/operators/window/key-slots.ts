/** The key of a free slot (no key is this object). */
export const FREE = Symbol('free')

/**
 * The keys of a step whose window state lives in a RowTable, by slot: the head row of each key's
 * windows, the key, its key group, its creation order (−1: not numbered yet) and the epoch it last
 * changed in — typed arrays grown by doubling, slots reused from a free list. A snapshot reads
 * them in slot order, touching no object per key.
 *
 * @example
 * const slots = new KeySlots(); const k = slots.create(1); slots.bind(k, 'u1', 17, 0)
 */
export class KeySlots {
  heads = new Int32Array(1024)
  keyAt: unknown[] = []
  groups = new Int32Array(1024)
  ords = new Float64Array(1024)
  epochs = new Float64Array(1024)
  /** Slots ever used: every slot below is live or free. */
  top = 0
  private free: number[] = []

  /** A slot with no windows, changed in `epoch`. */
  create(epoch: number): number {
    let k = this.free.pop()
    if (k === undefined) {
      if (this.top === this.heads.length) this.grow()
      k = this.top++
    }
    this.heads[k] = -1
    this.keyAt[k] = FREE
    this.ords[k] = -1
    this.epochs[k] = epoch
    return k
  }

  /** Slot `k` holds `key` (of key group `group`, creation order `ord`). */
  bind(k: number, key: unknown, group: number, ord: number): void {
    this.keyAt[k] = key
    this.groups[k] = group
    this.ords[k] = ord
  }

  release(k: number): void {
    this.park(k)
    this.recycle(k)
  }

  /** Slot `k` holds no key for snapshots, but is not free: it stays reserved for its parked key (ParkedKeys). */
  park(k: number): void {
    this.keyAt[k] = FREE
    this.ords[k] = -1
  }

  /** Slot `k`, holding no key, can be taken again. */
  recycle(k: number): void {
    this.free.push(k)
  }

  clear(): void {
    this.free = []
    this.keyAt = []
    this.top = 0
  }

  /** Room for `keys` more slots without growing (a restore knows how many it reads). */
  reserve(keys: number): void {
    if (this.top + keys > this.heads.length) this.grow(this.top + keys)
    // The key array too (grown an element at a time, 1M keys cost ~100–200 ms of copies).
    if (this.keyAt.length < this.top + keys) {
      const wider = new Array<unknown>(this.top + keys)
      for (let k = 0; k < this.keyAt.length; k++) wider[k] = this.keyAt[k]
      this.keyAt = wider
    }
  }

  private grow(to = this.heads.length * 2): void {
    const n = Math.max(to, this.heads.length * 2)
    const grow = <A extends Int32Array | Float64Array>(a: A, wider: A): A => { wider.set(a.subarray(0, this.top)); return wider }
    this.heads = grow(this.heads, new Int32Array(n))
    this.groups = grow(this.groups, new Int32Array(n))
    this.ords = grow(this.ords, new Float64Array(n))
    this.epochs = grow(this.epochs, new Float64Array(n))
  }
}
