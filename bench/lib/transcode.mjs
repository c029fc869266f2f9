// Transcoding throughput, one process: pixelrouter's own normalizeOutput (dist/images/transcode.js)
// against raw sharp doing the same conversion with the same settings, on the same images.
// Each side runs `concurrency` conversions at a time (sharp's work runs on libuv's thread pool);
// the two alternate in short slices so that a burst of outside load hits both alike.
// Usage: node transcode.mjs '<json: {files:[png paths], sliceMs, slices, concurrency}>'
// Prints one JSON line: {webp:{pixelrouter, sharp}, jpeg:{pixelrouter, sharp}} in images per second.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const root = path.resolve(import.meta.dirname, '../..');
// The very sharp pixelrouter loads, so only pixelrouter's own code differs.
const sharp = createRequire(path.join(root, 'package.json'))('sharp');
const { normalizeOutput } = await import(pathToFileURL(path.join(root, 'dist/images/transcode.js')).href);

const spec = JSON.parse(process.argv[2]);
const images = spec.files.map((file) => fs.readFileSync(file));

// Same encoder settings as normalizeOutput's defaults (no output_compression: quality 85; jpeg flattens alpha on white).
const impls = {
  webp: {
    pixelrouter: (bytes) => normalizeOutput({ bytes, format: 'png' }, { format: 'webp', background: 'auto' }),
    sharp: (bytes) => sharp(bytes).webp({ quality: 85 }).toBuffer(),
  },
  jpeg: {
    pixelrouter: (bytes) => normalizeOutput({ bytes, format: 'png' }, { format: 'jpeg', background: 'auto' }),
    sharp: (bytes) => sharp(bytes).flatten({ background: '#ffffff' }).jpeg({ quality: 85, mozjpeg: false }).toBuffer(),
  },
};

/** Converts images round-robin for `ms`, `concurrency` at a time; returns {count, seconds}. */
async function slice(convert, ms) {
  let next = 0;
  let count = 0;
  const start = performance.now();
  const end = start + ms;
  await Promise.all(Array.from({ length: spec.concurrency }, async () => {
    while (performance.now() < end) {
      const out = await convert(images[next++ % images.length]);
      if (out.length === 0) throw new Error('empty output');
      count++;
    }
  }));
  return { count, seconds: (performance.now() - start) / 1000 };
}

const result = {};
for (const [format, pair] of Object.entries(impls)) {
  await slice(pair.pixelrouter, 300); // warm up the codecs and the thread pool
  const totals = { pixelrouter: { count: 0, seconds: 0 }, sharp: { count: 0, seconds: 0 } };
  for (let i = 0; i < spec.slices; i++) {
    for (const name of i % 2 ? ['sharp', 'pixelrouter'] : ['pixelrouter', 'sharp']) {
      const { count, seconds } = await slice(pair[name], spec.sliceMs);
      totals[name].count += count;
      totals[name].seconds += seconds;
    }
  }
  result[format] = Object.fromEntries(Object.entries(totals).map(([name, t]) => [name, t.count / t.seconds]));
}
process.stdout.write(JSON.stringify(result) + '\n');
