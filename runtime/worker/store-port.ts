import type { MessagePort } from 'node:worker_threads'
import type { CheckpointStorage } from '../../persistence/checkpoints/checkpoint-storage.ts'
import { expose, nodeEndpoint, transfer, wrap } from './comlink.ts'

/** What a worker host may do with the job's store: read and write its own snapshot blobs. */
interface StoreCalls {
  put(key: string, bytes: Uint8Array, fence: { lease: string; token: number } | undefined): Promise<void>
  get(key: string): Promise<Uint8Array | undefined>
  list(prefix: string): Promise<string[]>
  delete(key: string): Promise<void>
}

/**
 * Serves `store` to one worker host over `port`. Workers never open the store themselves: every
 * store (a memory store, a custom one, a pooled Redis client) works with workers as it does
 * inline, and the store sees one client per job. Bytes move, they are not copied twice.
 *
 * @example
 * const { port1, port2 } = new MessageChannel(); serveStore(store, port1) // port2 goes to the worker
 */
export function serveStore(store: CheckpointStorage, port: MessagePort): void {
  const calls: StoreCalls = {
    put: (key, bytes, fence) => store.put(key, bytes, fence === undefined ? undefined : { fence }),
    get: async (key) => {
      const bytes = await store.get(key)
      if (bytes === undefined) return undefined
      const own = whole(bytes)
      return transfer(own, [own.buffer as ArrayBuffer])
    },
    list: (prefix) => store.list(prefix),
    delete: (key) => store.delete(key),
  }
  expose(calls, nodeEndpoint(port))
}

/**
 * The worker's side of `serveStore`: the store as CheckpointStorage, each call a message to the
 * main thread. `description` is the store's own `describe()` (it cannot be asked synchronously).
 *
 * @example
 * const checkpoints = new PipelineCheckpoints(storeOverPort(spec.checkpoints.store, spec.checkpoints.description), spec.pipelineId)
 */
export function storeOverPort(port: MessagePort, description: string): CheckpointStorage {
  const remote = wrap<StoreCalls>(nodeEndpoint(port))
  return {
    put: (key, bytes, opts) => {
      // A copy: the caller may still read its bytes (a transferred buffer is detached).
      const own = bytes.slice()
      return remote.put(key, transfer(own, [own.buffer as ArrayBuffer]), opts?.fence === undefined ? undefined : { ...opts.fence })
    },
    get: (key) => remote.get(key),
    list: (prefix) => remote.list(prefix),
    delete: (key) => remote.delete(key),
    describe: () => description,
  }
}

/**
 * `bytes` as an array that owns its whole buffer, copying only when it is a view into a larger
 * one (posting a view would copy, or transferring it would detach, the whole buffer).
 */
function whole(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice()
}
