import { RedisStore } from '../../persistence/stores/redis-store.ts'
import type { StateStore } from '../../persistence/stores/state-store.ts'
import { REDIS_URL, dropRedisPrefix, uniqueName } from '../fixtures/store-servers.ts'
import { storeConformance } from './store-conformance.ts'

const prefixes = new WeakMap<StateStore, string>()

storeConformance('redis', async () => {
  const prefix = uniqueName('conformance')
  const store = new RedisStore(REDIS_URL, { prefix })
  prefixes.set(store, prefix)
  return store
}, (store) => dropRedisPrefix(prefixes.get(store)!))
