import 'reflect-metadata';
import { runService } from '@ajx/platform';
import { provinceSimulatorService } from './province-simulator.service-definition';

runService(provinceSimulatorService);
