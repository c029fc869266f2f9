import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { endsComplete } from '../../src/images/complete.js';
import { UpstreamError } from '../../src/providers/errors.js';
import { toGeneratedImage } from '../../src/providers/http.js';

// Noise, so the encoders cannot shrink the file to a few bytes.
const noise = () => sharp(Buffer.from(Array.from({ length: 64 * 48 * 3 }, (_, i) => (i * 7919) % 251)), { raw: { width: 64, height: 48, channels: 3 } });
const encoded = { png: await noise().png().toBuffer(), jpeg: await noise().jpeg().toBuffer(), webp: await noise().webp().toBuffer() };

describe('endsComplete: whether an image file runs to its end marker', () => {
  it.each(Object.entries(encoded))('%s: whole yes; cut short no', (format, bytes) => {
    expect(endsComplete(bytes, format)).toBe(true);
    for (const cut of [1, 7, Math.floor(bytes.length / 2)]) expect(endsComplete(bytes.subarray(0, bytes.length - cut), format)).toBe(false);
  });

  it('PNG and WebP with bytes appended are not whole either; other formats cannot be told', () => {
    const extra = Buffer.from('appended');
    expect(endsComplete(Buffer.concat([encoded.png, extra]), 'png')).toBe(false);
    expect(endsComplete(Buffer.concat([encoded.webp, extra]), 'webp')).toBe(false);
    expect(endsComplete(Buffer.alloc(4), 'png')).toBe(false);
    expect(endsComplete(encoded.png, 'gif')).toBeNull();
  });
});

describe('toGeneratedImage: what an upstream sends', () => {
  it('reads the size of a whole image from its header', async () => {
    expect(await toGeneratedImage(encoded.webp)).toMatchObject({ format: 'webp', width: 64, height: 48 });
  });

  it.each(Object.keys(encoded))('refuses a %s cut short as a bad response', async (format) => {
    const bytes = encoded[format as keyof typeof encoded];
    const error = await toGeneratedImage(bytes.subarray(0, bytes.length - 20)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ kind: 'bad_response' });
  });
});
