import test from 'ava'
import { InvalidOptionError, StateDeclarationError, pipeline, sinks, sources, type Oxi, type OxiContext } from '../../../index.ts'

// Per-key state is declared in open of a .process step after keyBy, under a name of its own,
// with valid options; anything else is refused naming the step, the state and the fix.
const failure = async (oxi: Oxi<number, unknown>, keyed = true): Promise<unknown> => {
  const p = pipeline('decl')
  const src = p.source('in', sources.iterable([1, 2, 3]))
  ;(keyed ? src.keyBy((r) => r % 2) : src).process('count', () => oxi).sink('out', sinks.collect())
  return p.run().done.then(() => undefined, (e: unknown) => e)
}
const cause = (e: unknown): unknown => { let c = e; while (c && !(c instanceof StateDeclarationError) && !(c instanceof InvalidOptionError)) c = (c as Error).cause; return c ?? e }

test('a state declared after open is refused: StateDeclarationError naming the step, the state and the fix', async (t) => {
  const e = cause(await failure({ onBatch(_rs, ctx) { ctx.state.value('n') } }))
  t.true(e instanceof StateDeclarationError)
  t.is((e as Error).message, "step 'count': state 'n' was declared (ctx.state.value) after open; declare every state in open(ctx) and keep the handle on the Oxi — " +
    'a state declared later would miss the restore and the checkpoints taken before it')
})

test('a .process step not after keyBy cannot declare per-key state', async (t) => {
  const e = cause(await failure({ open(ctx) { ctx.state.list('xs') }, onBatch() {} }, false))
  t.true(e instanceof StateDeclarationError)
  t.is((e as Error).message, "step 'count': state 'xs' needs a keyed input, and this .process step does not follow .keyBy; " +
    "add .keyBy((r) => r.yourKey) before .process('count', …), or keep unkeyed state in a holder of your own (holders())")
})

test('a name declared twice is refused', async (t) => {
  const e = cause(await failure({ open(ctx) { ctx.state.value('n'); ctx.state.map('n') }, onBatch() {} }))
  t.is((e as Error).message, "step 'count': state 'n' is declared twice; give each state of a step its own name")
})

const bad: [string, (ctx: OxiContext<unknown>) => unknown, string][] = [
  ['a name outside [A-Za-z0-9_-]', (ctx) => ctx.state.value('a:b'), "step 'count': ctx.state: name must be a state name matching [A-Za-z0-9_-]+ (got \"a:b\")"],
  ['a version that is not semver', (ctx) => ctx.state.value('n', { version: '1' }), "step 'count': ctx.state 'n': options.version must be a semver version like '1.0.0' (got \"1\")"],
  ['a ttl of 0 ms', (ctx) => ctx.state.value('n', { ttl: { ms: 0 } }), "step 'count': ctx.state 'n': options.ttl.ms must be a positive number of milliseconds (got 0)"],
  ['an option that is none of its options', (ctx) => ctx.state.value('n', { tll: { ms: 5 } } as never), "step 'count': ctx.state 'n': 'tll' is not an option (did you mean 'ttl'?); the options are version, ttl, migrate"],
  ['a ttl option that is none of its options', (ctx) => ctx.state.value('n', { ttl: { ms: 5, tiem: 'event' } } as never), "step 'count': ctx.state 'n': options.ttl: 'tiem' is not an option (did you mean 'time'?); the options are ms, time, timestamp"],
  ['an unknown ttl.time', (ctx) => ctx.state.map('n', { ttl: { ms: 5, time: 'wall' as 'event' } }), "step 'count': ctx.state 'n': options.ttl.time must be 'processing' or 'event' (got \"wall\")"],
  ['event time without a timestamp', (ctx) => ctx.state.list('n', { ttl: { ms: 5, time: 'event' } }),
    "step 'count': ctx.state 'n': options.ttl.timestamp must be a function (record) => event time in ms (event-time TTL stamps each write with its record's time) (got undefined)"],
  ['a migrate that is no function', (ctx) => ctx.state.value('n', { migrate: 1 as never }), "step 'count': ctx.state 'n': options.migrate must be a function (value, fromVersion) => value (got 1)"],
]
for (const [what, declare, message] of bad) {
  test(`declaration options: ${what} is refused with InvalidOptionError`, async (t) => {
    const e = cause(await failure({ open(ctx) { declare(ctx) }, onBatch() {} }))
    t.true(e instanceof InvalidOptionError, String(e))
    t.is((e as Error).message, message)
  })
}
