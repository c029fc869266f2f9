import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseImageFields, type ImageRequest } from '../../src/api/imageRequest.js';
import { actualCost, describePrice, estimateMaxCost } from '../../src/billing/pricing.js';
import { Catalog } from '../../src/catalog/catalog.js';
import { MODELS } from '../../src/catalog/models.js';
import { ConfigError, loadConfig } from '../../src/config.js';

const request = (fields: Record<string, unknown>, inputs: Array<{ width: number; height: number }> = []): ImageRequest => ({
  ...parseImageFields({ model: 'm', ...fields }),
  images: inputs.map((s, i) => ({ ...s, bytes: Buffer.alloc(0), param: `image[${i}]`, format: 'png' })),
});
const noMargin = { marginPercent: 0 };
const size = { width: 1024, height: 1024 };

describe('price rules', () => {
  it('fixed and table prices, by size and quality', () => {
    expect(estimateMaxCost({ type: 'fixed', perImageMicros: 40_000 }, request({ n: 3 }), size, noMargin)).toBe(120_000);
    const table = { type: 'table' as const, rows: [
      { size: '1024x1024', quality: 'low' as const, perImageMicros: 11_000 },
      { size: '1024x1024', perImageMicros: 42_000 },
      { perImageMicros: 167_000 },
    ] };
    expect(estimateMaxCost(table, request({ quality: 'low' }), size, noMargin)).toBe(11_000);
    expect(estimateMaxCost(table, request({ quality: 'high', n: 2 }), size, noMargin)).toBe(84_000);
    expect(estimateMaxCost(table, request({}), { width: 1536, height: 1024 }, noMargin)).toBe(167_000);
  });

  it('per megapixel, with input megapixels', () => {
    const rule = { type: 'per_megapixel' as const, perMegapixelMicros: 40_000, perInputMegapixelMicros: 10_000 };
    // 2 images of 0.5 MP each, plus two 1 MP inputs once.
    expect(estimateMaxCost(rule, request({ n: 2 }, [{ width: 1000, height: 1000 }, { width: 1000, height: 1000 }]), { width: 1000, height: 500 }, noMargin)).toBe(60_000);
    expect(actualCost(rule, request({ n: 2 }), { width: 1000, height: 500 }, 1, undefined, noMargin)).toBe(20_000);
  });

  it('reported prices: upstream cost or tokens, capped at the maximum; nothing reported means the maximum', () => {
    const rule = { type: 'reported' as const, maxPerImageMicros: 250_000, tokens: { inputPerMillionMicros: 5_000_000, imageInputPerMillionMicros: 10_000_000, outputPerMillionMicros: 40_000_000 } };
    const r = request({ n: 2 });
    expect(estimateMaxCost(rule, r, size, noMargin)).toBe(500_000);
    expect(actualCost(rule, r, size, 2, { costMicros: 123_456 }, noMargin)).toBe(123_456);
    // 100 text tokens at $5/M + 4160 output tokens at $40/M = 0.0005 + 0.1664 USD
    expect(actualCost(rule, r, size, 2, { inputTokens: 100, outputTokens: 4160 }, noMargin)).toBe(166_900);
    expect(actualCost(rule, r, size, 2, { costMicros: 9_999_999 }, noMargin)).toBe(500_000);
    expect(actualCost(rule, r, size, 1, undefined, noMargin)).toBe(250_000);
  });

  it('adds the margin, rounding up to the micro-dollar, and never charges more than was reserved', () => {
    const rule = { type: 'fixed' as const, perImageMicros: 33_333 };
    expect(estimateMaxCost(rule, request({}), size, { marginPercent: 20 })).toBe(40_000);
    expect(estimateMaxCost({ type: 'fixed', perImageMicros: 1 }, request({}), size, { marginPercent: 10 })).toBe(2);
    expect(actualCost(rule, request({ n: 2 }), size, 5, undefined, noMargin)).toBe(66_666);
    expect(describePrice(rule, { marginPercent: 20 })).toEqual({ type: 'fixed', value: 0.04 });
  });
});

describe('the config file', () => {
  const write = (content: unknown) => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pixelrouter-config-')), 'config.json');
    fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };

  it('sets the margin and per-model prices; the catalog shows them with the margin', () => {
    const config = loadConfig({ PIXELROUTER_CONFIG: write({ margin_percent: 50, prices: { 'test/test': { type: 'fixed', per_image_usd: 0.02 } } }) });
    expect(config.marginPercent).toBe(50);
    expect(config.priceOverrides['test/test']).toEqual({ type: 'fixed', perImageMicros: 20_000 });
    const catalog = new Catalog(MODELS, () => true, { marginPercent: config.marginPercent }, config.priceOverrides);
    expect(catalog.present(catalog.resolve('test/test')!).providers[0]!.pricing).toEqual({ type: 'fixed', value: 0.03 });
    expect(catalog.present(catalog.resolve('test/test')!).free).toBe(false);
    expect(loadConfig({ PIXELROUTER_CONFIG: write({ margin_percent: 50 }), PIXELROUTER_MARGIN_PERCENT: '5' }).marginPercent).toBe(5);
  });

  it('refuses malformed files with a message naming the problem', () => {
    expect(() => loadConfig({ PIXELROUTER_CONFIG: write('{not json') })).toThrow(ConfigError);
    expect(() => loadConfig({ PIXELROUTER_CONFIG: write({ prices: { 'a/b': { type: 'fixed', per_image_usd: -1 } } }) })).toThrow(/prices\.a\/b/);
    expect(() => loadConfig({ PIXELROUTER_CONFIG: write({ margin: 3 }) })).toThrow(ConfigError);
    expect(() => loadConfig({ PIXELROUTER_CONFIG: '/nonexistent/config.json' })).toThrow(/cannot read/);
  });
});
