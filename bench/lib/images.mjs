// Test images, made once per run with sharp (the root package's, the one pixelrouter uses): smooth
// colour fields from random seeds plus a little grain, so PNG compresses them about as well as a
// photo-like picture and no two are the same.
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const sharp = createRequire(path.join(root, 'package.json'))('sharp');

/** An opaque RGB PNG of `size` x `size` pixels. */
export async function makePng(size, grain = 8) {
  const seed = crypto.randomBytes(16 * 16 * 3);
  const raw = await sharp(seed, { raw: { width: 16, height: 16, channels: 3 } }).resize(size, size, { kernel: 'cubic' }).raw().toBuffer();
  const noise = crypto.randomBytes(raw.length);
  for (let i = 0; i < raw.length; i++) raw[i] = Math.max(0, Math.min(255, raw[i] + (noise[i] % grain) - grain / 2));
  return sharp(raw, { raw: { width: size, height: size, channels: 3 } }).png({ adaptiveFiltering: true }).toBuffer();
}

/** A multipart/form-data body: text fields, then files as [fieldname, filename, bytes]. */
export function multipartBody(fields, files) {
  const boundary = `----pixelrouter-bench-${crypto.randomBytes(8).toString('hex')}`;
  const parts = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  for (const [name, filename, bytes] of files) {
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${name}"; filename="${filename}"\r\ncontent-type: image/png\r\n\r\n`), bytes, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
