import { MemoryStore } from '../../persistence/stores/memory-store.ts'
import { storeConformance } from './store-conformance.ts'

storeConformance('memory', async () => new MemoryStore())
