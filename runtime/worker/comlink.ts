// Platform glue: comlink's ESM build and its Node adapter. The package has no exports map and
// its "main" is a UMD bundle, so the ESM files are imported by path, here and nowhere else.
export { expose, proxy, transfer, wrap, releaseProxy, type Remote } from 'comlink/dist/esm/comlink.mjs'
export { default as nodeEndpoint } from 'comlink/dist/esm/node-adapter.mjs'
