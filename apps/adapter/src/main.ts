import 'reflect-metadata';
import { runService } from '@ajx/platform';
import { adapterService } from './adapter.service-definition';

runService(adapterService);
