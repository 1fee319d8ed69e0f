export * from './principal';
export * from './token';
export * from './department.policy';
export * from './identity.errors';
export * from './identity.repository';
export * from './principal.service';
export * from './credential.service';
export * from './identity.module';
