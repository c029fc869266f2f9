import { ApiError } from '../../src/api/errors.js';
import { MODELS } from '../../src/catalog/models.js';
import type { ModelEntry, PriceRule } from '../../src/catalog/types.js';
import { TestProvider } from '../../src/providers/test/index.js';
import type { ImageProvider, ProviderCall, ProviderResult } from '../../src/providers/types.js';

/**
 * The test model with scripted upstream behaviour, chosen by words in the prompt:
 * `fail` (the upstream errors: 502), `partial:K` (only K images come back), `usage:MICROS` (the
 * upstream reports its cost), `slow:MS` (it takes that long). Counts its calls.
 */
export class ScriptedProvider implements ImageProvider {
  readonly id = 'test';
  calls = 0;
  private inner = new TestProvider();

  isAvailable() {
    return true;
  }

  async generate(call: ProviderCall): Promise<ProviderResult> {
    this.calls++;
    const prompt = call.request.prompt;
    const slow = /slow:(\d+)/.exec(prompt);
    if (slow) await new Promise((resolve) => setTimeout(resolve, Number(slow[1])));
    if (/\bfail\b/.test(prompt)) throw new ApiError(502, 'upstream_error', 'upstream_error', 'The upstream failed');
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
