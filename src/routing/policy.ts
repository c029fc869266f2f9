import type { Strategy } from './strategy.js';

/** How requests are routed: from the environment and the config file's `routing` section. */
export interface RoutingPolicy {
  /** The strategy for every model without its own. */
  strategy: Strategy;
  /** Per-model strategies by model id. */
  models: Record<string, Strategy>;
  /** Per-model provider weights for `weighted`: {model: {provider: weight}}. */
  weights: Record<string, Record<string, number>>;
  /** How `auto` picks a model: curated order (`priority`) or the cheapest that can serve the request. */
  auto: 'priority' | 'cheapest';
  /** Upstream timeout, default and per model, in seconds. */
  timeoutSeconds: number;
  timeouts: Record<string, number>;
  /** Calls of one fan-out running at once. */
  maxParallelCalls: number;
  /** Circuit breaker: failures in a row before a provider is skipped, and for how long. */
  breakerThreshold: number;
  breakerCooldownSeconds: number;
}

export const DEFAULT_ROUTING: RoutingPolicy = {
  strategy: 'priority', models: {}, weights: {}, auto: 'priority', timeoutSeconds: 300, timeouts: {},
  maxParallelCalls: 4, breakerThreshold: 5, breakerCooldownSeconds: 30,
};

/** The longest any model may wait for its upstream: no request outlives it by much. */
export const longestTimeoutSeconds = (policy: RoutingPolicy) => Math.max(policy.timeoutSeconds, ...Object.values(policy.timeouts));
