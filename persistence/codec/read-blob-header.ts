export { readBlobHeader } from './blob-header.ts'
