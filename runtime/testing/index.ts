/**
 * The `testing` namespace: helpers for testing pipelines and the components they use.
 *
 * @example
 * import { testing } from 'oxiflow'
 * const report = await testing.snapshotRestoreEquals((src) => build(src), records)
 */
export { snapshotRestoreEquals, type SnapshotRestoreOptions, type SnapshotRestoreReport } from './snapshot-restore-equals.ts'
