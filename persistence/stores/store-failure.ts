import { OxiflowError } from '../oxiflow-error.ts'
import { InvalidStoreUrlError } from './invalid-store-url-error.ts'
import { StoreUnavailableError } from './store-unavailable-error.ts'

/**
 * The error a shared store's operation rejects with: oxiflow's own errors (a stale fence, an
 * invalid key) pass unchanged; anything from the client or the server (refused connection,
 * timeout, a closed socket) becomes a StoreUnavailableError naming the store (credentials
 * masked), the operation and what to do, with the original as `cause`. `detail` adds what the
 * client knows beyond the error (e.g. the last connection error behind a retry limit).
 *
 * @example
 * try { await redis.get(k) } catch (e) { throw storeFailure('redis://***@db:6379/0', `get('${key}')`, e) }
 */
export function storeFailure(safeUrl: string, operation: string, e: unknown, detail?: string): Error {
  if (e instanceof OxiflowError) return e
  const message = (e instanceof Error ? e.message : String(e)) || (e as Error)?.name || 'unknown error'
  // The server answered and refused what the URL names: a bad value, not an outage to wait out.
  const code = (e as { code?: unknown } | null)?.code
  if (code === '3D000') return new InvalidStoreUrlError(safeUrl, 'the database', `does not exist on the server (${message}); create it, or name one that exists`)
  if (code === '28P01' || code === '28000' || /^(WRONGPASS|NOAUTH)\b/.test(message)) {
    return new InvalidStoreUrlError(safeUrl, 'the credentials', `are refused by the server (${message}); give a user and password it accepts`)
  }
  const more = detail === undefined || message.includes(detail) ? '' : ` (${detail})`
  return new StoreUnavailableError(safeUrl, `${message}${more} — check that the server runs and is reachable from here; ` +
    'a periodic checkpoint that fails is counted and the next one retries, other operations can be retried once it is back', { operation, cause: e })
}
