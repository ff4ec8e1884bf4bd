import { isMainThread, workerData } from 'node:worker_threads'

/**
 * True inside an oxiflow worker host. A worker host imports the pipeline module again to
 * rebuild its graph, so the module's top-level code runs there too; wrap what belongs to the
 * main thread only (opening files, printing, starting servers) in `if (!isWorkerHost())`.
 * A run() there starts nothing and its job never finishes, so the code after
 * `await p.run().done` never runs in a worker host.
 *
 * @example
 * if (!isWorkerHost()) console.log('starting', new Date())
 * const summary = await p.run({ workers: 2, module: import.meta.url }).done
 */
export function isWorkerHost(): boolean {
  return !isMainThread && typeof (workerData as { oxiflowHost?: unknown } | null)?.oxiflowHost === 'number'
}
