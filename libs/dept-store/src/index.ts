export * from './department-scope';
export * from './department-scoped.repository';
export * from './dept-view.repository';
export * from './dept-projection.writer';
export * from './projection-jobs.repository';
export * from './canonical-snapshot.repository';
