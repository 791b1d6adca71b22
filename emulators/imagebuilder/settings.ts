/** Knobs the control routes turn: how long phases take and how the next build ends. */
import type { BuildInstruction, PhaseDurations } from './types';

export class BuildSettings {
  phaseDurations: PhaseDurations;
  /** One pending instruction; a second POST replaces it rather than queueing behind it. */
  nextBuild: BuildInstruction | undefined;

  constructor(phaseDurations: PhaseDurations) {
    this.phaseDurations = { ...phaseDurations };
  }

  /** The instruction applies to exactly one build: the next one started. */
  takeNextBuild(): BuildInstruction | undefined {
    const instruction = this.nextBuild;
    this.nextBuild = undefined;
    return instruction;
  }
}
