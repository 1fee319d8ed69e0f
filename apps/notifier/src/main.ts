import 'reflect-metadata';
import { runService } from '@ajx/platform';
import { notifierService } from './notifier.service-definition';

runService(notifierService);
