export { verifyBlob } from './decode-snapshot.ts'
