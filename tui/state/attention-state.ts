import type { Pile } from '../../core/inbox/attention-piles.ts';

/**
 * The attention bar's piles for the property shown. A failed read keeps the piles last read
 * (the bar goes on showing them, as the rest of the screen does) and records why.
 */
export interface AttentionState {
  /** null until the first read of this property lands. */
  piles: Pile[] | null;
  error: string | null;
}

export function initialAttentionState(): AttentionState {
  return { piles: null, error: null };
}

export function attentionLoaded(_state: AttentionState, piles: Pile[]): AttentionState {
  return { piles, error: null };
}

export function attentionFailed(state: AttentionState, error: string): AttentionState {
  return { ...state, error };
}
