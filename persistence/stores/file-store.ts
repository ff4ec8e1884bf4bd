import { mkdirSync } from 'node:fs'
import { readFile, readdir, unlink } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { writeAtomic } from './atomic-file.ts'
import { LeaseTable } from './lease-table.ts'
import type { LeaseRecord } from './lease-rules.ts'
import { withLockFile } from './lock-file.ts'
import type { FenceToken, Lease, LeaseInfo, LeaseOwner, StateStore } from './state-store.ts'
import { checkKey } from './store-keys.ts'

/**
 * The embedded default store: a directory (`.oxiflow/` unless told otherwise). Blobs under
 * `data/`, records (JSON with their version) under `records/`, leases under `leases/`, temp
 * files under `tmp/`. Every write is atomic (temp + fsync + rename + fsync dir); records, leases
 * and fenced writes are serialised by a lock file, so runners in several processes of one
 * machine share it safely. Files 0600, directories 0700.
 *
 * @example
 * const store = stores.file('.oxiflow')
 */
export class FileStore implements StateStore {
  private readonly root: string
  private queue: Promise<unknown> = Promise.resolve()
  private readonly leaseTable: LeaseTable

  constructor(dir: string) {
    this.root = resolve(dir)
    for (const sub of ['', 'data', 'records', 'leases', 'tmp']) mkdirSync(join(this.root, sub), { recursive: true, mode: 0o700 })
    this.leaseTable = new LeaseTable({
      read: async (name) => this.readJson<LeaseRecord>(this.path('leases', name) + '.json'),
      write: (name, r) => writeAtomic(this.tmp, this.path('leases', name) + '.json', Buffer.from(JSON.stringify(r))),
      all: async () => (await walk(join(this.root, 'leases'), '')).filter((k) => k.endsWith('.json'))
        .map((k) => k.slice(0, -5)).map(async (name) => [name, (await this.readJson<LeaseRecord>(this.path('leases', name) + '.json'))!] as [string, LeaseRecord])
        .reduce(async (acc, p) => [...(await acc), await p], Promise.resolve([] as [string, LeaseRecord][])),
      exclusive: (f) => this.exclusive(f),
    })
  }

  async put(key: string, bytes: Uint8Array, opts?: { fence?: FenceToken }): Promise<void> {
    checkKey(key)
    const fence = opts?.fence
    if (!fence) return writeAtomic(this.tmp, this.path('data', key), bytes)
    // Check and rename under the lock: a takeover cannot slip in between.
    await this.exclusive(async () => {
      await this.leaseTable.checkFence(key, fence)
      await writeAtomic(this.tmp, this.path('data', key), bytes)
    })
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    checkKey(key)
    try {
      return new Uint8Array(await readFile(this.path('data', key)))
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'EISDIR') return undefined
      throw e
    }
  }

  async list(prefix: string): Promise<string[]> {
    checkKey(prefix, true)
    // Walk from the deepest directory the prefix names, not the whole store.
    const dirPart = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/') + 1) : ''
    const keys = await walk(join(this.root, 'data', ...dirPart.split('/').filter(Boolean)), dirPart)
    return keys.filter((k) => k.startsWith(prefix)).sort()
  }

  async delete(key: string): Promise<void> {
    checkKey(key)
    await unlink(this.path('data', key)).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'ENOENT') throw e })
  }

  async getRecord<T>(key: string): Promise<{ version: number; value: T } | undefined> {
    checkKey(key)
    return this.readJson(this.path('records', key) + '.json')
  }

  compareAndSet<T>(key: string, expectedVersion: number, value: T): Promise<boolean> {
    checkKey(key)
    return this.exclusive(async () => {
      const current = await this.readJson<{ version: number }>(this.path('records', key) + '.json')
      if ((current?.version ?? 0) !== expectedVersion) return false
      await writeAtomic(this.tmp, this.path('records', key) + '.json', Buffer.from(JSON.stringify({ version: expectedVersion + 1, value })))
      return true
    })
  }

  lease(name: string, owner: LeaseOwner, ttlMs: number): Promise<Lease | undefined> {
    checkKey(name)
    return this.leaseTable.lease(name, owner, ttlMs)
  }

  leases(): Promise<LeaseInfo[]> {
    return this.leaseTable.leases()
  }

  describe(): string {
    return `file store ${this.root}`
  }

  async close(): Promise<void> {}

  private get tmp(): string {
    return join(this.root, 'tmp')
  }

  private path(area: string, key: string): string {
    return join(this.root, area, ...key.split('/'))
  }

  private async readJson<T>(path: string): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(path, 'utf8')) as T
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw e
    }
  }

  /** One section at a time in this process, and across processes through the lock file. */
  private exclusive<T>(f: () => Promise<T>): Promise<T> {
    const next = this.queue.then(() => withLockFile(join(this.root, '.lock'), f))
    this.queue = next.catch(() => {})
    return next
  }
}

/** Every file under `dir`, as keys prefixed by `prefix` ('/'-separated). */
async function walk(dir: string, prefix: string): Promise<string[]> {
  let entries
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return []
    throw e
  }
  const out: string[] = []
  for (const e of entries) {
    if (e.isDirectory()) out.push(...await walk(join(dir, e.name), `${prefix}${e.name}/`))
    else out.push(`${prefix}${e.name}`)
  }
  return out
}
