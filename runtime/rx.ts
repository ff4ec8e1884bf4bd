// The parts of RxJS the runtime uses, imported from their own modules: the package index loads
// all of RxJS (~220 modules), which costs every process and worker thread ~165 ms at start under
// tsx (measured: 250 ms for 'rxjs', 90 ms for these). `rxjs/internal/*` is in the package's
// exports map; the names and behaviour are those of the 'rxjs' index.
export { Observable } from 'rxjs/internal/Observable'
export { Subject } from 'rxjs/internal/Subject'
export type { Subscription } from 'rxjs/internal/Subscription'
export { EMPTY } from 'rxjs/internal/observable/empty'
export { from } from 'rxjs/internal/observable/from'
export { merge } from 'rxjs/internal/observable/merge'
export { concatMap } from 'rxjs/internal/operators/concatMap'
export { map } from 'rxjs/internal/operators/map'
