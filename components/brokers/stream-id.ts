/**
 * Compares two Redis stream entry ids (`<ms>-<seq>`) numerically: negative when a < b.
 *
 * @example
 * compareStreamIds('1700000000000-2', '1700000000000-10') // < 0
 */
export function compareStreamIds(a: string, b: string): number {
  const [am, as] = parse(a)
  const [bm, bs] = parse(b)
  return am !== bm ? (am < bm ? -1 : 1) : as === bs ? 0 : as < bs ? -1 : 1
}

/** True for an entry id `<ms>-<seq>` of decimal integers. */
export function isStreamId(id: unknown): id is string {
  return typeof id === 'string' && /^\d+-\d+$/.test(id)
}

function parse(id: string): [bigint, bigint] {
  const dash = id.indexOf('-')
  return [BigInt(id.slice(0, dash)), BigInt(id.slice(dash + 1))]
}
