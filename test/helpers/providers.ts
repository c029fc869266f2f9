import { UpstreamError, type UpstreamFailure } from '../../src/providers/errors.js';
import { MODELS } from '../../src/catalog/models.js';
import type { ModelEntry, PriceRule } from '../../src/catalog/types.js';
import { TestProvider } from '../../src/providers/test/index.js';
import type { ImageProvider, ProviderCall, ProviderResult } from '../../src/providers/types.js';

/**
 * The test model with scripted upstream behaviour, chosen by words in the prompt:
 * `fail` (the upstream fails: server_error, so 502), `fail:<kind>` (an UpstreamError of that kind),
 * `fail@<provider>:<kind>` (only this provider fails), `partial:K` (only K images come back),
 * `flaky:K` (every K-th call fails), `usage:MICROS` (the upstream reports its cost), `slow:MS` (it
 * takes that long, ignoring the signal, as a badly behaved adapter would). Counts its calls.
 */
export class ScriptedProvider implements ImageProvider {
  calls = 0;
  private inner = new TestProvider();

  constructor(readonly id = 'test') {}

  isAvailable() {
    return true;
  }

  async generate(call: ProviderCall): Promise<ProviderResult> {
    this.calls++;
    const prompt = call.request.prompt;
    const slow = /slow:(\d+)/.exec(prompt);
    if (slow) await new Promise((resolve) => setTimeout(resolve, Number(slow[1])));
    const flaky = /flaky:(\d+)/.exec(prompt);
    if (flaky && this.calls % Number(flaky[1]) === 0) throw new UpstreamError('server_error', 'The upstream failed this call', 500);
    const failure = new RegExp(`\\bfail(?:@${this.id})?(?::(\\w+))?(?![@\\w])`).exec(prompt);
    if (failure) throw new UpstreamError((failure[1] ?? 'server_error') as UpstreamFailure, 'The upstream failed', 500);
    const result = await this.inner.generate(call);
    const partial = /partial:(\d+)/.exec(prompt);
    if (partial) result.images = result.images.slice(0, Number(partial[1]));
    const usage = /usage:(\d+)/.exec(prompt);
    if (usage) result.usage = { costMicros: Number(usage[1]) };
    return result;
  }
}

/** `test/test` under another id and price, served by the same provider. */
export function testModel(id: string, price: PriceRule | undefined): ModelEntry {
  const base = MODELS[0]!;
  return { ...base, id, aliases: [], providers: base.providers.map((offer) => ({ ...offer, price })) };
}
