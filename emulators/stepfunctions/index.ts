export type { LoadedDefinition, TaskBinding } from './definition';
export { loadDefinitionFile, prepareDefinition } from './definition';
export type { EventLog, ExecutionRecord, ExecutionStatus, StepFunctionsEmulatorOptions } from './emulator';
export { StepFunctionsEmulator } from './emulator';
export { statesVisited } from './events';
export type { StepFunctionsEmulatorServer } from './server';
export { startStepFunctionsEmulator } from './server';
