import test from 'ava'
import { InvalidOptionError } from '../../runtime/errors/invalid-option-error.ts'
import { invalidOption, shown } from '../../runtime/option-checks.ts'

// shown() writes the value of every option message in runtime/, components/ and cli/.
const cases: Array<[string, unknown, string]> = [
  ['a string, quoted', 'two', '"two"'],
  ['an empty string', '', '""'],
  ['a number', 1.5, '1.5'],
  ['NaN', NaN, 'NaN'],
  ['a boolean', true, 'true'],
  ['null', null, 'null'],
  ['undefined', undefined, 'undefined'],
  ['a bigint, with its n', 5n, '5n'],
  ['a list of strings, as written', ['a', 'b'], '["a","b"]'],
  ['another array, by kind', [1], 'an array'],
  ['an object, by kind', { a: 1 }, 'an object'],
  ['a function, by kind', () => 1, 'a function'],
]
for (const [what, value, expected] of cases) {
  test(`shown writes ${what}`, (t) => {
    t.is(shown(value), expected)
  })
}

test('invalidOption names where, the option and the rule, and keeps the option on the error', (t) => {
  const e = invalidOption('run(options)', 'retain', 'an integer ≥ 1', '0')
  t.true(e instanceof InvalidOptionError)
  t.is(e.option, 'retain')
  t.is(e.message, 'run(options): options.retain must be an integer ≥ 1 (got "0")')
  t.is(invalidOption('jsonl sink', 'path', 'a non-empty string', '', 'path').message, 'jsonl sink: path must be a non-empty string (got "")')
})
