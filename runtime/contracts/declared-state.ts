/**
 * One state holder a source's reader or a sink's writer will register once opened, declared
 * on the `Source` or `Sink` itself so that a plan (`p.plan()`, `oxiflow plan`) can describe it
 * without opening anything. The holder's `stateId` is `<step>/<name>`, its `stateVersion` is
 * `version` and its `dependsOn` is `dependsOn`: the plan gives the holder those and scope
 * `'operator'` (a source's or sink's state is not keyed), and derives the restore levels from
 * them as a checkpoint does. A declaration that differs from what the reader or writer really
 * registers makes the plan wrong, not the run: derive both from one constant.
 *
 * @example
 * const POSITION: DeclaredState = { name: 'position', version: '1.0.0' }
 * // the reader then registers { stateId: `${ctx.step}/${POSITION.name}`, stateVersion: POSITION.version, … }
 */
export interface DeclaredState {
  /** The part of the state id after `<step>/`, e.g. `position` (no `/`). */
  readonly name: string
  /** The holder's `stateVersion`, semver, e.g. `1.0.0`. */
  readonly version: string
  /** The state ids (`<step>/<name>`, of any step) the holder's `dependsOn` names; none when absent. */
  readonly dependsOn?: readonly string[]
}
