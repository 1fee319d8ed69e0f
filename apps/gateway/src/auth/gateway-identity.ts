import { DEPARTMENT_POLICY, IdentityModule } from '@ajx/identity';
import { GatewayConfig } from '../gateway.config';
import { rulePackDepartmentPolicy } from './rule-pack-department.policy';

/**
 * Principals and credentials, with departments checked against the deployment's rule pack. One module object: every
 * feature module that imports it shares the same instance (Nest identifies dynamic modules by reference).
 */
export const GatewayIdentityModule = IdentityModule.register({
  provide: DEPARTMENT_POLICY,
  inject: [GatewayConfig],
  useFactory: (config: GatewayConfig) => rulePackDepartmentPolicy(config.rulePack()),
});
