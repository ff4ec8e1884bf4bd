import test from 'ava'
import { cliInProcess } from './run-cli.ts'

for (const [host, warned] of [['0.0.0.0', true], ['::', true], ['127.0.0.1', false]] as const) {
  test(`run --metrics-host ${host} ${warned ? 'warns that metrics are exposed on all interfaces' : 'serves without a warning'}`, async (t) => {
    t.timeout(30_000)
    const r = await cliInProcess(['run', 'test/fixtures/cli/completes.ts', '--metrics-port', '0', '--metrics-host', host])
    t.is(r.code, 0, r.stderr)
    t.is(/oxiflow: warning: metrics are served on all network interfaces \(.+:\d+\), without authentication/.test(r.stderr), warned, r.stderr)
  })
}
