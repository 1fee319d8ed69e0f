import 'reflect-metadata';
import { runService } from '@ajx/platform';
import { supervisorService } from './supervisor.service-definition';

runService(supervisorService);
