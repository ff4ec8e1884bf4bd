import test from 'ava'
import { POSTGRES_URL, dropPostgresSchema, uniqueName } from '../fixtures/store-servers.ts'
import { killedRunnerTakenOver, otherHostsLeaseAfterTtl, secondRunnerRefused } from '../fixtures/store-process-runs.ts'

/** A PostgreSQL store URL under a schema of this test's own, removed after it. */
function isolated(t: { teardown(f: () => Promise<void>): void }): string {
  const schema = uniqueName('processes')
  t.teardown(() => dropPostgresSchema(schema))
  return `${POSTGRES_URL}?schema=${schema}`
}

test('postgres: two runners on one store — the second exits 3 naming the holder', async (t) => {
  t.timeout(90_000)
  await secondRunnerRefused(t, isolated(t))
})

test('postgres: SIGKILL after a manifest, restarted on this host — taken over at once, output exactly once', async (t) => {
  t.timeout(120_000)
  await killedRunnerTakenOver(t, isolated(t))
})

test("postgres: another host's lease — refused with exit 3 until its TTL passes, then taken over", async (t) => {
  t.timeout(90_000)
  await otherHostsLeaseAfterTtl(t, isolated(t))
})
