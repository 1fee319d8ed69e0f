export * from './audit-entry';
export * from './audit-hash';
export * from './audit-signer';
export * from './audit.repository';
export * from './audit-log.service';
export * from './audit-sealer.service';
export * from './audit-verifier.service';
export * from './audit.module';
