import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/api/errors.js';
import { parseImageFields, parseSize } from '../../src/api/imageRequest.js';
import { ConfigError, loadConfig, parseBytes, parseDuration } from '../../src/config.js';

describe('parseImageFields', () => {
  it('applies the documented defaults', () => {
    expect(parseImageFields({ model: 'test/test' })).toEqual({
      model: 'test/test', prompt: '', n: 1, size: 'auto', quality: 'auto', responseFormat: 'url', outputFormat: 'webp',
      outputCompression: undefined, background: 'auto', user: undefined, extras: {},
    });
  });

  it('reads multipart strings and normalises aliases', () => {
    const parsed = parseImageFields({ model: 'm', n: '3', size: '1792×1024', quality: 'HD', output_format: 'jpg', output_compression: '40', seed: '42', negative_prompt: 'blur' });
    expect(parsed).toMatchObject({ n: 3, size: { width: 1792, height: 1024 }, quality: 'high', outputFormat: 'jpeg', outputCompression: 40 });
    expect(parsed.extras).toEqual({ seed: '42', negative_prompt: 'blur' });
    expect(parseImageFields({ model: 'm', quality: 'standard' }).quality).toBe('medium');
  });

  it('treats null and empty strings as not set', () => {
    expect(parseImageFields({ model: 'm', n: null, size: '', quality: null })).toMatchObject({ n: 1, size: 'auto', quality: 'auto' });
  });

  it('throws a 400 naming the field', () => {
    const error = (() => { try { parseImageFields({ model: 'm', n: '0' }); } catch (e) { return e as ApiError; } })();
    expect(error).toBeInstanceOf(ApiError);
    expect(error!.status).toBe(400);
    expect(error!.param).toBe('n');
    expect(() => parseImageFields({})).toThrow(/model/);
  });

  it('parses sizes', () => {
    expect(parseSize(' 640 x 480 ')).toEqual({ width: 640, height: 480 });
    expect(() => parseSize('0x100')).toThrow(ApiError);
    expect(() => parseSize('640*480')).toThrow(ApiError);
  });
});

describe('configuration', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 8080, host: '127.0.0.1', urlTtlSeconds: 3600, maxUploadBytes: 50 * 1024 * 1024 });
    expect(config.dataDir).toMatch(/\/data$/);
  });

  it('parses durations and sizes, and refuses nonsense', () => {
    expect(parseDuration('90s', 'X')).toBe(90);
    expect(parseDuration('30m', 'X')).toBe(1800);
    expect(parseDuration('250ms', 'X')).toBe(0.25);
    expect(parseBytes('2mb', 'X')).toBe(2 * 1024 * 1024);
    expect(() => parseDuration('soon', 'X')).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: '99999' })).toThrow(ConfigError);
    expect(() => loadConfig({ PIXELROUTER_ADMIN_KEY: 'short' })).toThrow(ConfigError);
    expect(() => loadConfig({ PIXELROUTER_PUBLIC_URL: 'example.com' })).toThrow(ConfigError);
  });
});
