import { isMainThread, workerData } from 'node:worker_threads'

/**
 * True inside an oxiflow worker host. There `run()` starts nothing: the host imports the
 * pipeline module only to rebuild its graph, and a module that also runs itself must not start
 * a job per thread.
 */
export function isWorkerHost(): boolean {
  return !isMainThread && typeof (workerData as { oxiflowHost?: unknown } | null)?.oxiflowHost === 'number'
}
