import 'reflect-metadata';
import { runService } from '@ajx/platform';
import { normalizerService } from './normalizer.service-definition';

runService(normalizerService);
