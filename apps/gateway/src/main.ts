import 'reflect-metadata';
import { runService } from '@ajx/platform';
import { gatewayService } from './gateway.service-definition';

runService(gatewayService);
