import 'reflect-metadata';
import { runService } from '@ajx/platform';
import { routerService } from './router.service-definition';

runService(routerService);
