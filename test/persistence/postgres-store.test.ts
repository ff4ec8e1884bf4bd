import { PostgresStore } from '../../persistence/stores/postgres-store.ts'
import type { StateStore } from '../../persistence/stores/state-store.ts'
import { POSTGRES_URL, dropPostgresSchema, uniqueName } from '../fixtures/store-servers.ts'
import { storeConformance } from './store-conformance.ts'

const schemas = new WeakMap<StateStore, string>()

storeConformance('postgres', async () => {
  const schema = uniqueName('conformance')
  const store = new PostgresStore(POSTGRES_URL, { schema })
  schemas.set(store, schema)
  return store
}, (store) => dropPostgresSchema(schemas.get(store)!))
