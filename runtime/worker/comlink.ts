// Platform glue: comlink's ESM build and its Node adapter. The package has no exports map and
// its "main" is a UMD bundle, so the ESM files are imported by path, here and nowhere else.
import { transferHandlers } from 'comlink/dist/esm/comlink.mjs'
import { rebuildError, serializeError, type SerializedError } from './error-transport.ts'

export { expose, proxy, transfer, wrap, releaseProxy, type Remote } from 'comlink/dist/esm/comlink.mjs'
export { default as nodeEndpoint } from 'comlink/dist/esm/node-adapter.mjs'

// An error thrown across a comlink call keeps its class and fields (`code`, `step`…): comlink's own
// handler sends only name, message and stack, so a store's StoreIoError met by a worker's read
// (served by the main thread over the store port) reached the job as a plain Error with no code.
const original = transferHandlers.get('throw')!
transferHandlers.set('throw', {
  canHandle: original.canHandle,
  serialize: ({ value }: { value: unknown }) => [value instanceof Error ? { isError: true, value: serializeError(value) } : { isError: false, value }, []],
  deserialize: (s: { isError: boolean; value: unknown }) => {
    throw s.isError ? rebuildError(s.value as SerializedError) : s.value
  },
} as typeof original)
