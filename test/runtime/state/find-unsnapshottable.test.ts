import test from 'ava'
import { findUnsnapshottable, WRITE_BUDGET } from '../../../runtime/state/find-unsnapshottable.ts'

class Holder { constructor(readonly f: unknown) {} }

const cases: Array<[string, unknown, { path: string; what: string } | undefined]> = [
  ['a number', 1, undefined],
  ['a plain object of plain data', { a: 1, b: [1, 'x', null, { c: new Date(0) }], m: new Map([['k', new Set([1])]]), t: new Uint8Array(2) }, undefined],
  ['a function', () => 1, { path: '', what: 'a function' }],
  ['a function in an object', { f: () => 1 }, { path: '.f', what: 'a function' }],
  ['a symbol in an array in an object', { a: [1, Symbol('s')] }, { path: '.a[1]', what: 'a symbol' }],
  ['a WeakMap', new WeakMap(), { path: '', what: 'a WeakMap' }],
  ['a Promise in a Map value', new Map([['k', Promise.resolve()]]), { path: "<Map value 'k'>", what: 'a Promise' }],
  ['a WeakSet in a Set', new Set([new WeakSet()]), { path: '<Set element>', what: 'a WeakSet' }],
  ['a function field of a class instance', new Holder(() => 1), { path: '.f', what: 'a function' }],
  ['an object without prototype holding a function', Object.assign(Object.create(null), { g: () => 1 }), { path: '.g', what: 'a function' }],
]

for (const [title, value, expected] of cases) {
  test(`findUnsnapshottable: ${title}`, (t) => {
    t.deepEqual(findUnsnapshottable(value), expected)
  })
}

test('findUnsnapshottable looks at WRITE_BUDGET values and 16 levels at most (what lies beyond is left to the checkpoint)', (t) => {
  const late = Array.from({ length: WRITE_BUDGET + 10 }, () => 0) as unknown[]
  late.push(() => 1)
  t.is(findUnsnapshottable(late), undefined)
  t.deepEqual(findUnsnapshottable(late, Infinity), { path: `[${WRITE_BUDGET + 10}]`, what: 'a function' })
  let deep: unknown = { f: () => 1 }
  for (let i = 0; i < 16; i++) deep = { d: deep }
  t.is(findUnsnapshottable(deep), undefined)
  t.is(findUnsnapshottable(deep, Infinity, 100)?.path, `${'.d'.repeat(16)}.f`)
})
