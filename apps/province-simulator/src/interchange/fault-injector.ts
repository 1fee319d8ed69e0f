import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Sleeper } from '@ajx/platform';

export const FAULT_MODES = ['none', 'error', 'timeout', 'slow', 'lose-ack', 'forge-ack', 'unsigned-ack'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export interface FaultSettings {
  mode: FaultMode;
  /** Chance that one request gets the fault. */
  probability: number;
  /** timeout: how long the request is held before the connection is dropped; slow/lose-ack: delay. */
  delayMs: number;
  /** error: the status answered (429 or 5xx). */
  statusCode: number;
  /** Faults left to inject (null: unlimited); the mode falls back to none when it reaches 0. */
  remaining: number | null;
}

export interface FaultState extends FaultSettings {
  /** Faults injected since the settings were last changed. */
  injected: number;
}

export const DEFAULT_DELAY_MS: Record<FaultMode, number> = {
  none: 0,
  error: 0,
  timeout: 30_000,
  slow: 2_000,
  'lose-ack': 0,
  'forge-ack': 0,
  'unsigned-ack': 0,
};

/**
 * The faults the simulator plays on its interchange endpoints, set at run time through the control API:
 * - error: answers `statusCode` at once, records nothing;
 * - timeout: holds the request `delayMs` (or until the sender gives up) and drops the connection, records nothing;
 * - slow: waits `delayMs`, then handles the request normally;
 * - lose-ack: handles the request (the batch is recorded), waits `delayMs`, then drops the connection instead of
 *   answering — the sender cannot tell it from a timeout and must re-send;
 * - forge-ack / unsigned-ack: records nothing and answers an acknowledgement (or a verdict) the province never gave,
 *   as a party on the wire would: "accepted", with the batch's last sequence number as watermark, signed with a key
 *   the hub does not have under the endpoint's key id (forge-ack), or not signed (unsigned-ack). The hub must refuse
 *   it: nothing is acknowledged and the watermark stays.
 */
@Injectable()
export class FaultInjector implements OnModuleDestroy {
  private settings: FaultSettings = { mode: 'none', probability: 1, delayMs: 0, statusCode: 503, remaining: null };
  private injected = 0;
  private readonly sleeper = new Sleeper();
  /** Replaceable in unit tests. */
  random: () => number = Math.random;

  set(s: Partial<FaultSettings> & { mode: FaultMode }): FaultState {
    this.settings = {
      mode: s.mode,
      probability: s.probability ?? 1,
      delayMs: s.delayMs ?? DEFAULT_DELAY_MS[s.mode],
      statusCode: s.statusCode ?? 503,
      remaining: s.remaining ?? null,
    };
    this.injected = 0;
    return this.state();
  }

  state(): FaultState {
    return { ...this.settings, injected: this.injected };
  }

  /** Decides for one request whether it gets the current fault. */
  draw(): FaultSettings | null {
    const s = this.settings;
    if (s.mode === 'none' || s.remaining === 0) return null;
    if (this.random() >= s.probability) return null;
    this.injected++;
    if (s.remaining !== null && --s.remaining === 0) this.settings = { ...s, mode: 'none' };
    return { ...s };
  }

  /** Waits `ms`, or less when `until` settles first or the app stops. */
  hold(ms: number, until?: Promise<unknown>): Promise<void> {
    return this.sleeper.sleep(ms, until);
  }

  onModuleDestroy(): void {
    this.sleeper.wakeAll();
  }
}
