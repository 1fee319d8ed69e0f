export * from './random';
export * from './noise';
export * from './canonical-records';
export * from './formats/native-format';
export * from './simulate-file';
export * from './supervision-scenario';
export * from './scenario-files';
