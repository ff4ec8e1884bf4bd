import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import type { Piscina } from 'piscina'
import { EncodeWorkerError } from './encode-worker-error.ts'
import { BLOB_HEADER_BYTES } from './blob-header.ts'
import type { CodecName } from './codec-name.ts'
import type { EncodedSnapshot } from './encode-inline.ts'
import type { EncodeTask } from './encode-task.ts'

type PiscinaModule = typeof import('piscina')
let piscina: PiscinaModule | undefined
/**
 * Loaded with the first pool: importing piscina costs a process ~9 ms and ~5 MB of RSS here, and
 * most processes never encode a snapshot large enough for the pool (as the codecs, bench/README.md,
 * "What the floor is made of"; test/package/lazy-dependencies.test.ts checks it).
 */
const load = (): PiscinaModule => (piscina ??= createRequire(import.meta.url)('piscina') as PiscinaModule)

/**
 * The module a pool thread starts from: dist/encode-worker.js in the built package (an entry of
 * scripts/build.mjs, in one folder with every file of the bundle, this code included); under tsx
 * (oxiflow's own tests and benches) a plain module that loads encode-worker.ts — a Worker cannot
 * start from a .ts file.
 */
const WORKER = new URL(import.meta.url).pathname.endsWith('.ts')
  ? new URL('./encode-worker.mjs', import.meta.url)
  : new URL('./encode-worker.js', import.meta.url)

/**
 * How an EncodePool runs. `worker` is for tests (a fixture module speaking EncodeTask); the
 * others default to at most half the cores — the actors keep the rest — and threads that end
 * after 10 s idle (a thread keeps zstd's WebAssembly memory, as large as its largest snapshot).
 *
 * @example
 * const options: EncodePoolOptions = { maxThreads: 1 }
 */
export interface EncodePoolOptions {
  readonly worker?: URL
  readonly maxThreads?: number
  readonly idleTimeoutMs?: number
}

/**
 * How one snapshot goes to the pool. `transfer: true` hands `raw` over: its buffer is moved to
 * the pool thread (no copy) and `raw` is detached — empty — from then on; a `raw` that is a view
 * into a larger or shared buffer is copied instead (moving would detach memory the caller did not
 * give). Without it `raw` is copied once on the caller's thread and stays the caller's. `where`
 * names the snapshot in errors.
 *
 * @example
 * await encodeSerialized(serializeSnapshot(state), 'zstd', 1, { transfer: true, where: "step 'agg'" })
 */
export interface EncodeOptions {
  readonly transfer?: boolean
  readonly where?: string
}

/**
 * Encodes snapshots on piscina threads: the caller's thread only moves the serialized bytes out
 * and the blob back (bench/snapshot-encode.ts: a 183 MB zstd snapshot blocks it < 1 ms instead of
 * > 1 s). Threads start on demand and never keep the process alive: piscina unrefs a thread
 * while it has no task, and ends it after `idleTimeoutMs`; `close()` ends them at once.
 *
 * @example
 * const pool = new EncodePool(); const { bytes } = await pool.encode(raw, 'zstd', 1); await pool.close()
 */
export class EncodePool {
  private readonly piscina: Piscina

  constructor(options: EncodePoolOptions = {}) {
    // piscina checks maxThreads and idleTimeout itself ('options.maxThreads must be a positive integer').
    this.piscina = new (load().Piscina)({
      filename: (options.worker ?? WORKER).href,
      minThreads: 0,
      maxThreads: options.maxThreads ?? Math.max(1, Math.floor(availableParallelism() / 2)),
      idleTimeout: options.idleTimeoutMs ?? 10_000,
      // Idle threads wait on their event loop, not in Atomics.wait: tasks are large and few.
      atomics: 'disabled',
      closeTimeout: 1_000,
    })
  }

  /**
   * Compresses, checksums and frames `raw` on a pool thread: the same blob encodeInline makes.
   * `codec` and `level` must have been checked (encodeSerialized does). A thread that throws or
   * dies rejects with an EncodeWorkerError.
   *
   * @example
   * const { bytes, crc32 } = await pool.encode(raw, 'lz4', 1, { transfer: true })
   */
  async encode(raw: Uint8Array, codec: CodecName, level: number, options: EncodeOptions = {}): Promise<EncodedSnapshot> {
    const rawBytes = raw.byteLength
    const whole = raw.buffer instanceof ArrayBuffer && raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength
    // A copy into a buffer of its own (not raw.slice(): a Buffer's slice is a view of the same memory).
    const owned = options.transfer === true && whole ? raw : new Uint8Array(raw)
    const task: EncodeTask = { raw: owned, codec, level }
    return this.blob(codec, rawBytes, options, () => this.piscina.run(task, { transferList: [owned.buffer as ArrayBuffer] }))
  }

  /**
   * Serializes (v8), compresses, checksums and frames `value` on a pool thread: the blob
   * encodeInline(serializeSnapshot(value)) makes. `buffers` — the ArrayBuffers of its typed
   * arrays, which nothing else may use any more — are moved there and detached here; the rest of
   * `value` is cloned. A thread that throws or dies rejects with an EncodeWorkerError.
   *
   * @example
   * const { bytes } = await pool.encodeValue(state, ownBuffers(state), 'none', 1)
   */
  async encodeValue(value: unknown, buffers: readonly ArrayBuffer[], codec: CodecName, level: number, options: EncodeOptions = {}): Promise<EncodedSnapshot> {
    const task: EncodeTask = { value, codec, level }
    return this.blob(codec, -1, options, () => this.piscina.run(task, { transferList: [...buffers] }))
  }

  /** The blob a pool thread answered, checked; `rawBytes` −1: read from its header. */
  private async blob(codec: CodecName, rawBytes: number, options: EncodeOptions, run: () => Promise<unknown>): Promise<EncodedSnapshot> {
    let bytes: unknown
    try {
      bytes = await run()
    } catch (e) {
      const problem = e instanceof Error ? `${e.name}: ${e.message}` : String(e)
      throw new EncodeWorkerError(options.where, codec, rawBytes, problem, { cause: e })
    }
    if (!(bytes instanceof Uint8Array) || bytes.byteLength < BLOB_HEADER_BYTES) {
      throw new EncodeWorkerError(options.where, codec, rawBytes, `the thread answered ${describe(bytes)}, not a blob`)
    }
    // The pool thread wrote the raw length and the payload's crc32 into the header (bytes 8–15, 24–27); they are not recomputed here.
    const header = new DataView(bytes.buffer, bytes.byteOffset, BLOB_HEADER_BYTES)
    return { bytes, rawBytes: rawBytes >= 0 ? rawBytes : Number(header.getBigUint64(8, true)), crc32: header.getUint32(24, true) }
  }

  /**
   * Ends the pool's threads; a task still running rejects with an EncodeWorkerError.
   *
   * @example
   * await pool.close()
   */
  async close(): Promise<void> {
    await this.piscina.destroy()
  }
}

function describe(value: unknown): string {
  if (value instanceof Uint8Array) return `${value.byteLength} bytes`
  return value === null ? 'null' : typeof value === 'object' ? `an object (${value.constructor?.name ?? 'no prototype'})` : typeof value
}
