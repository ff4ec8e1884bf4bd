// The parts of RxJS the runtime uses, imported from their own modules: the package index loads
// all of RxJS (~220 modules), which costs every process and worker thread ~165 ms at start under
// tsx (measured: 250 ms for 'rxjs', 90 ms for the parts taken then, merge and concatMap among
// them). `rxjs/internal/*` is in the package's exports map; the names and behaviour are those of
// the 'rxjs' index.
export { Observable } from 'rxjs/internal/Observable'
export { Subject } from 'rxjs/internal/Subject'
export type { Subscription } from 'rxjs/internal/Subscription'
