import 'reflect-metadata';
import { runService } from '@ajx/platform';
import { interchangeService } from './interchange.service-definition';

runService(interchangeService);
