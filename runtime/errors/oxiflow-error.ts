// The base of every oxiflow error lives in persistence/ (the layer everything else may import),
// so persistence errors share it without importing runtime/. Re-exported here for runtime code.
export { OxiflowError, isOxiflowError } from '../../persistence/oxiflow-error.ts'
