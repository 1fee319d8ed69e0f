export * from './chinese';
export * from './normalize-text';
