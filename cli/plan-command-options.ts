import type { OptionDefinition } from './option-definition.ts'

/**
 * The options of `oxiflow plan`, defined once: parsePlanArgs parses them, `oxiflow plan --help`
 * lists them, its unknown-option error names them.
 *
 * @example
 * PLAN_OPTIONS.find((o) => o.name === 'format')?.value // 'F'
 */
export const PLAN_OPTIONS = [
  { name: 'workers', type: 'string', value: 'N', description: 'the worker threads the job would run on', default: '0: everything on the main thread' },
  { name: 'params', type: 'string', value: 'JSON', description: 'a JSON object passed to a function default export' },
  { name: 'format', type: 'string', value: 'F', description: 'text, json, dot (Graphviz) or mermaid (a flowchart)', default: 'text' },
  { name: 'help', type: 'boolean', short: 'h', description: 'this help' },
] as const satisfies readonly OptionDefinition[]

/** The output formats of `oxiflow plan`, default first. */
export const PLAN_FORMATS = ['text', 'json', 'dot', 'mermaid'] as const

/** One of PLAN_FORMATS. */
export type PlanFormat = typeof PLAN_FORMATS[number]
