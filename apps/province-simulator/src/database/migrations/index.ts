import { ProvinceSimInitial1795400000000 } from './1795400000000-province-sim-initial';

/** The simulator's migrations, in order (a list of its own, applied by the simulator at start-up). */
export const PROVINCE_SIM_MIGRATIONS = [ProvinceSimInitial1795400000000];
