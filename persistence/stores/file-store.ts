import { mkdirSync } from 'node:fs'
import { readFile, unlink } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { CorruptRecordError, isCorruptRecordError } from './corrupt-record-error.ts'
import { renameInto, sweepTempFiles, syncDir, writeFileAtomic, writeTempFile } from './atomic-file.ts'
import { checkStoreKey } from './check-store-key.ts'
import { fileStoreFailure } from './file-store-failure.ts'
import { keyFile, listKeyFiles, removeEmptyDirs } from './key-files.ts'
import { formatLeaseRecord, parseLeaseRecord, type LeaseRecord } from './lease-record.ts'
import { checkFenceToken } from './lease-rules.ts'
import { LeaseTable } from './lease-table.ts'
import { sweepLockTempFiles, withLockFile } from './lock-file.ts'
import { SectionQueue } from './section-queue.ts'
import type { FenceToken, Lease, LeaseInfo, LeaseOwner, StateStore, StoreRecord } from './state-store.ts'

/**
 * The embedded default store: a directory (`.oxiflow/` unless told otherwise) holding `data/`
 * (blobs), `records/` (JSON `{ version, value }`), `leases/` (JSON lease records) and `tmp/`.
 * Every write is atomic and durable (temp file + fsync, rename, fsync of the directory). CAS,
 * leases and the check-and-rename of fenced puts run under a lock file, so runners in several
 * processes of one machine share it safely; across machines use a shared store (redis,
 * postgres). Files are 0600, directories it creates 0700. A filesystem error (a full disk, a
 * permission) rejects with StoreIoError naming the store, operation, key, file and errno.
 *
 * @example
 * const store = new FileStore('.oxiflow')
 */
export class FileStore implements StateStore {
  private readonly root: string
  private readonly tmp: string
  private readonly sections = new SectionQueue()
  private readonly leaseTable: LeaseTable

  constructor(dir: string) {
    this.root = resolve(dir)
    this.tmp = join(this.root, 'tmp')
    try {
      for (const sub of ['', 'data', 'records', 'leases', 'tmp']) mkdirSync(join(this.root, sub), { recursive: true, mode: 0o700 })
      sweepTempFiles(this.tmp)
      sweepLockTempFiles(join(this.root, '.lock'))
    } catch (e) {
      throw fileStoreFailure(this.root, 'open', e)
    }
    // Lease renewals and releases reach the files only through these: each names its lease.
    this.leaseTable = new LeaseTable({
      read: (name) => this.failing(`lease('${name}')`, async () => {
        const path = this.file('leases', name)
        const text = await readIfExists(path)
        return text === undefined ? undefined : parseLeaseRecord(text.toString('utf8'), path)
      }),
      write: (name, r) => this.failing(`lease('${name}')`, () => writeFileAtomic(this.tmp, this.file('leases', name), Buffer.from(formatLeaseRecord(r)))),
      all: () => this.failing('leases()', async () => Promise.all((await listKeyFiles(join(this.root, 'leases'), '')).map(async (name): Promise<[string, LeaseRecord]> => {
        const path = this.file('leases', name)
        return [name, parseLeaseRecord(await readFile(path, 'utf8'), path)]
      }))),
      // Lease sections go first: a renewal must not wait behind a checkpoint's fenced puts.
      exclusive: (f) => this.failing('the lease lock', () => this.exclusive(f, true)),
    })
  }

  async put(key: string, bytes: Uint8Array, opts?: { readonly fence?: FenceToken }): Promise<void> {
    checkStoreKey(key)
    return this.failing(`put('${key}')`, () => this.putChecked(key, bytes, opts?.fence))
  }

  private async putChecked(key: string, bytes: Uint8Array, fence: FenceToken | undefined): Promise<void> {
    if (fence !== undefined) checkFenceToken(fence)
    const path = this.file('data', key)
    // The slow part (write + fsync) happens before the lock; only the fence check and the
    // rename need to be atomic together, so that a takeover cannot slip in between them.
    const tmp = await writeTempFile(this.tmp, bytes)
    try {
      if (fence === undefined) await renameInto(tmp, path)
      else await this.exclusive(async () => { await this.leaseTable.checkFence(key, fence); await renameInto(tmp, path) })
    } catch (e) {
      await unlink(tmp).catch(() => undefined) // the refusal or rename error is what the caller needs
      throw e
    }
    await syncDir(dirname(path))
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    checkStoreKey(key)
    const b = await this.failing(`get('${key}')`, () => readIfExists(this.file('data', key)))
    return b && new Uint8Array(b.buffer, b.byteOffset, b.byteLength) // a plain Uint8Array, not a Buffer (slice semantics)
  }

  async list(prefix: string): Promise<string[]> {
    checkStoreKey(prefix, 'prefix')
    return this.failing(`list('${prefix}')`, () => listKeyFiles(join(this.root, 'data'), prefix))
  }

  async delete(key: string): Promise<void> {
    checkStoreKey(key)
    const path = this.file('data', key)
    await this.failing(`delete('${key}')`, async () => {
      try {
        await unlink(path)
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return
        throw e
      }
      await removeEmptyDirs(dirname(path), join(this.root, 'data'))
    })
  }

  async getRecord<T>(key: string): Promise<StoreRecord<T> | undefined> {
    checkStoreKey(key)
    return this.failing(`getRecord('${key}')`, () => this.readRecord<T>(this.file('records', key)))
  }

  async compareAndSet<T>(key: string, expectedVersion: number, value: T): Promise<boolean> {
    checkStoreKey(key)
    const path = this.file('records', key)
    const json = JSON.stringify(value) ?? 'null'
    return this.failing(`compareAndSet('${key}')`, () => this.exclusive(async () => {
      // An unreadable record is at the version its error names (0): a writer that read it so may replace it.
      const current = await this.readRecord(path).then((r) => r?.version ?? 0, (e: unknown) => { if (isCorruptRecordError(e)) return e.version; throw e })
      if (current !== expectedVersion) return false
      await writeFileAtomic(this.tmp, path, Buffer.from(`{"version":${expectedVersion + 1},"value":${json}}`))
      return true
    }))
  }

  async lease(name: string, owner: LeaseOwner, ttlMs: number): Promise<Lease | undefined> {
    return this.leaseTable.lease(name, owner, ttlMs)
  }

  async leases(): Promise<LeaseInfo[]> {
    return this.leaseTable.leases()
  }

  describe(): string {
    return `file store ${this.root}`
  }

  async close(): Promise<void> {}

  private file(area: 'data' | 'records' | 'leases', key: string): string {
    return keyFile(join(this.root, area), key)
  }

  private async readRecord<T>(path: string): Promise<StoreRecord<T> | undefined> {
    const text = await readIfExists(path)
    if (text === undefined) return undefined
    let r: { version?: unknown; value?: unknown }
    try {
      r = JSON.parse(text.toString('utf8'))
    } catch (e) {
      throw new CorruptRecordError(`file store file ${path}`, `not JSON (${(e as Error).message})`, 0)
    }
    if (!(Number.isSafeInteger(r?.version) && (r.version as number) > 0)) throw new CorruptRecordError(`file store file ${path}`, 'not a record { version, value }', 0)
    return { version: r.version as number, value: r.value as T }
  }

  /** Runs `f`, turning a filesystem error into a StoreIoError naming this store and `operation`. */
  private async failing<T>(operation: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f()
    } catch (e) {
      throw fileStoreFailure(this.root, operation, e)
    }
  }

  /** One section at a time in this process (a queue, `urgent` ones first), and across processes (the lock file). */
  private exclusive<T>(f: () => Promise<T>, urgent = false): Promise<T> {
    return this.sections.run(() => withLockFile(join(this.root, '.lock'), f), urgent)
  }
}

async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
    throw e
  }
}
