// The live PPO agent's decisions, one per closed candle of each symbol it follows, keyed by symbol so a
// symbol's decisions stay in order on one partition. A trading system (or a person) acts on them; the
// agent itself only keeps a paper position, assuming each decision was filled.
import { z } from 'zod';
import { ACTIONS } from '../trading/execution.ts';
import { symbolSchema } from './names.ts';
import { defineTopic } from './topic.ts';

export const signalSchema = z.strictObject({
  symbol: symbolSchema,
  /** Open time of the closed candle the decision was taken on (epoch ms); the decision is for the next bar's open. */
  time: z.number().int(),
  action: z.enum(ACTIONS as ['buy', 'sell', 'hold']),
  /** The chosen action's probability under the policy. */
  confidence: z.number().min(0).max(1),
  /** The registered version of the model that decided. */
  model_version: z.number().int().positive(),
  /** Which model and reference it followed, e.g. models:/ppo@champion. */
  model: z.string(),
  /** The candle's interval, and the paper position after the decision (1 long, 0 flat). */
  interval: z.string(),
  position: z.number().min(0).max(1),
});
export type Signal = z.output<typeof signalSchema>;

export const signalsTopic = defineTopic('signals', { schema: signalSchema, key: (signal) => signal.symbol });
