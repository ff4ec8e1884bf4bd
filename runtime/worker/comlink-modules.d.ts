// Types for the ESM files of comlink imported by path in comlink.ts (the package maps its
// types only to the UMD entry).
declare module 'comlink/dist/esm/comlink.mjs' {
  export * from 'comlink'
}
declare module 'comlink/dist/esm/node-adapter.mjs' {
  import type { Endpoint } from 'comlink'
  export default function nodeEndpoint(nep: {
    postMessage(message: any, transfer?: any[]): void
    on(type: string, listener: (...args: any[]) => void): void
    off(type: string, listener: (...args: any[]) => void): void
    start?: () => void
  }): Endpoint
}
