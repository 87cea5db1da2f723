/**
 * The simulated crowd of one market: its activity profile, the hidden fair price, the
 * liquidity providers of both sides and the takers. Time moves the fair price (and now and
 * then makes the providers stand back for a few seconds); each market event is one
 * participant action. All draws come from the simulator's one Random.
 */
import type { Side } from '../../protocol/wire.js';
import { ACTIVITY_PROFILES, type ActivityProfile, type MarketActivity } from './activity.js';
import { moveFair } from './fair-value.js';
import { ladderPlan, provideLiquidity, seedLadder, type LadderPlan, type ProviderContext } from './liquidity-providers.js';
import type { Market, TakeResult } from './market.js';
import { informedBurst, mispricedLeg, noiseBurst } from './takers.js';

export type ParticipantContext = ProviderContext;

/** chance that an event goes to an informed taker while the book is mispriced */
const INFORMED_CHANCE = 0.3;
const WIDENING_TICKS: readonly [number, number] = [2, 5];
const WIDENING_SECONDS: readonly [number, number] = [2, 10];

export class Participants {
  readonly profile: ActivityProfile;
  /** spread in ticks the providers keep when calm */
  readonly calmSpread: number;
  /** levels per side */
  readonly depth: number;
  /** hundredths of a contract on a full level */
  readonly levelSize: number;
  /** market events due, carried from step to step (may go below 0 after a burst) */
  eventCredit = 0;
  /** extra spread while the providers stand back, and for how many more seconds */
  private widening = 0;
  private wideningSeconds = 0;

  constructor(
    readonly market: Market,
    readonly activity: MarketActivity,
    private readonly context: ParticipantContext,
  ) {
    const { random } = context;
    this.profile = ACTIVITY_PROFILES[activity];
    this.calmSpread = random.integer(...this.profile.spread);
    this.depth = random.integer(...this.profile.depth);
    this.levelSize = Math.round(this.profile.levelContracts * Math.exp(0.4 * random.normal())) * 100;
  }

  /** The spread the providers aim for now. */
  get targetSpread(): number {
    return this.calmSpread + this.widening;
  }

  /** A full starting book (empty only where the fair price leaves no room for a side). */
  seed(): void {
    for (const side of ['yes', 'no'] as const) seedLadder(this.market, this.plan(side), this.context);
  }

  /** Moves time on by `seconds`: the fair price drifts, a widening starts or ends. */
  advance(seconds: number): void {
    const { random } = this.context;
    this.market.fair = moveFair(this.market.fair, this.profile, seconds, random);
    if (this.wideningSeconds > 0) {
      this.wideningSeconds -= seconds;
      if (this.wideningSeconds <= 0) this.widening = 0;
    } else if (random.chance((this.profile.wideningsPerHour * seconds) / 3600)) {
      this.widening = random.integer(...WIDENING_TICKS);
      this.wideningSeconds = WIDENING_SECONDS[0] + random.next() * (WIDENING_SECONDS[1] - WIDENING_SECONDS[0]);
    }
  }

  /**
   * One market event: a burst of takers (each order counts as an event) or one provider
   * action. Hands every taker result to `settle`; returns the number of events used.
   */
  act(settle: (result: TakeResult) => void): number {
    const { random } = this.context;
    const { market } = this;
    let results: TakeResult[] = [];
    if (mispricedLeg(market, market.fair) && random.chance(INFORMED_CHANCE)) results = informedBurst(market, market.fair, this.context);
    else if (random.chance(this.profile.takerChance)) results = noiseBurst(market, this.context);
    if (results.length === 0) {
      provideLiquidity(market, [this.plan('yes'), this.plan('no')], this.context);
      return 1;
    }
    for (const result of results) settle(result);
    return results.length;
  }

  private plan(side: Side): LadderPlan {
    const sideFair = side === 'yes' ? this.market.fair : 100 - this.market.fair;
    return ladderPlan(this.market, side, sideFair, (this.targetSpread - 1) / 2, this.depth, this.levelSize);
  }
}
