/**
 * A circuit breaker per provider: after `threshold` failures in a row the provider is skipped for
 * `cooldownMs`, then one request probes it; success closes the circuit, failure opens it again.
 */
export class CircuitBreaker {
  private state = new Map<string, { failures: number; openUntil: number; probing: boolean }>();

  constructor(private threshold = 5, private cooldownMs = 30_000, private now = () => Date.now()) {}

  private get(provider: string) {
    let s = this.state.get(provider);
    if (!s) this.state.set(provider, (s = { failures: 0, openUntil: 0, probing: false }));
    return s;
  }

  /** May a request go to this provider now? (Takes the probe slot when the cooldown is over.) */
  allow(provider: string): boolean {
    const s = this.get(provider);
    if (s.failures < this.threshold) return true;
    if (this.now() < s.openUntil || s.probing) return false;
    s.probing = true;
    return true;
  }

  success(provider: string) {
    this.state.set(provider, { failures: 0, openUntil: 0, probing: false });
  }

  failure(provider: string) {
    const s = this.get(provider);
    s.failures++;
    s.probing = false;
    if (s.failures >= this.threshold) s.openUntil = this.now() + this.cooldownMs;
  }

  /** closed, open or half-open (cooldown over, waiting for a probe), for /metrics and tests. */
  status(provider: string): 'closed' | 'open' | 'half-open' {
    const s = this.get(provider);
    if (s.failures < this.threshold) return 'closed';
    return this.now() < s.openUntil ? 'open' : 'half-open';
  }
}
