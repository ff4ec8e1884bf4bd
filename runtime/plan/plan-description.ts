// The plan description is plain JSON that a run record stores too, so its types live in the
// bottom layer (persistence/ imports nothing above it); runtime/ names them from here.
export type {
  PlanDescription, StepDescription, StateDescription, ActorDescription, InstanceDescription, ExchangeDescription,
} from '../../persistence/plan-description.ts'
