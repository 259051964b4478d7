/**
 * Lifecycles as data. A table maps each action to the states it may start from and the state it
 * leads to. `transition()` is the only place a lifecycle state changes. `assertReachable()` proves
 * at start-up that every state a table names can be reached from its initial states.
 */
export interface TransitionRule<S extends number> {
  from: readonly S[];
  to: S;
}

export type TransitionTable<A extends string, S extends number> = Readonly<Record<A, TransitionRule<S>>>;

export class TransitionRejected extends Error {
  constructor(
    readonly lifecycle: string,
    readonly action: string,
    readonly from: number,
  ) {
    super(`${lifecycle}: action "${action}" is not allowed from state ${from}`);
    this.name = 'TransitionRejected';
  }
}

/** Returns the state `action` leads to from `from`, or throws TransitionRejected. */
export function transition<A extends string, S extends number>(
  lifecycle: string,
  table: TransitionTable<A, S>,
  action: A,
  from: S,
): S {
  const rule = table[action];
  if (!rule.from.includes(from)) throw new TransitionRejected(lifecycle, action, from);
  return rule.to;
}

/** True when `action` is allowed from `from`. */
export function canTransition<A extends string, S extends number>(table: TransitionTable<A, S>, action: A, from: S): boolean {
  return table[action].from.includes(from);
}

/** Throws when a state named in the table cannot be reached from `initial`. */
export function assertReachable<A extends string, S extends number>(
  lifecycle: string,
  table: TransitionTable<A, S>,
  initial: readonly S[],
): void {
  const named = new Set<S>(initial);
  for (const rule of Object.values<TransitionRule<S>>(table)) {
    rule.from.forEach((state) => named.add(state));
    named.add(rule.to);
  }
  const reached = new Set<S>(initial);
  let grew = true;
  while (grew) {
    grew = false;
    for (const rule of Object.values<TransitionRule<S>>(table)) {
      if (!reached.has(rule.to) && rule.from.some((state) => reached.has(state))) {
        reached.add(rule.to);
        grew = true;
      }
    }
  }
  const unreachable = [...named].filter((state) => !reached.has(state));
  if (unreachable.length > 0) throw new Error(`${lifecycle}: states ${unreachable.join(', ')} cannot be reached`);
}
