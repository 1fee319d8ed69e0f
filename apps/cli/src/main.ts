import { buildProgram, runProgram } from './program';

void runProgram(buildProgram(), process.argv);
