import type { EventLog } from './emulator';

/** The names of the states an execution entered, in order (what a test or a progress display usually wants). */
export const statesVisited = (events: readonly EventLog[]): string[] =>
  events.flatMap((event) => (event.type === 'StateEntered' && 'state' in event ? [event.state.name] : []));
