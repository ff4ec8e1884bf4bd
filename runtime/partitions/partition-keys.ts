/**
 * Where a partitioned group keeps its coordination in the store: one lease per partition (held
 * by the runner that runs it), one membership lease per runner (to count the live runners and
 * share the partitions fairly), and a done marker per finished partition.
 *
 * @example
 * partitionLease('orders', 3) // 'partitions/orders/leases/3'
 */
export function partitionLease(group: string, partition: number): string {
  return `partitions/${group}/leases/${partition}`
}

/** The lease that says runner `runner` takes part in `group`. */
export function memberLease(group: string, runner: string): string {
  return `partitions/${group}/members/${runner.replace(/[^A-Za-z0-9._~-]/g, '_')}`
}

/** The prefix of the group's membership leases. */
export function memberPrefix(group: string): string {
  return `partitions/${group}/members/`
}

/** The blob written once partition `partition` ran to its end. */
export function doneMarker(group: string, partition: number): string {
  return `partitions/${group}/done/${partition}`
}

/** The prefix of the group's done markers. */
export function donePrefix(group: string): string {
  return `partitions/${group}/done/`
}
