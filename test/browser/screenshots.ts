import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { ROOT } from '../helpers/cli.js';

const DOCS = path.join(ROOT, 'docs', 'screenshots');
const MAX_WIDTH = 1000;
const MAX_BYTES = 150 * 1024;

/**
 * Small copies of full-page screenshots for the README: the top of the page (a readable aspect),
 * at most 1000 px wide, as palette PNGs under 150 KB. They are written to `<dir>/small/`, and to
 * docs/screenshots/ only with PIXELROUTER_UPDATE_SCREENSHOTS=1, so a test run leaves git alone.
 */
export async function saveDocsScreenshots(dir: string, names: string[]): Promise<string[]> {
  const smallDir = path.join(dir, 'small');
  fs.mkdirSync(smallDir, { recursive: true });
  const written: string[] = [];
  for (const name of names) {
    const source = path.join(dir, `${name}.png`);
    const { width = MAX_WIDTH, height = MAX_WIDTH } = await sharp(source).metadata();
    // Desktop shots keep a 10:9 top; phone shots about a screen and a half.
    const keep = Math.min(height, Math.round(width >= 800 ? width * 0.9 : width * 2.6));
    let bytes = Buffer.alloc(0);
    for (const colours of [128, 64, 32]) {
      bytes = await sharp(source)
        .extract({ left: 0, top: 0, width, height: keep })
        .resize({ width: Math.min(width, MAX_WIDTH), withoutEnlargement: true })
        .png({ palette: true, colours, effort: 10, compressionLevel: 9, dither: 0.5 })
        .toBuffer();
      if (bytes.length < MAX_BYTES) break;
    }
    const target = path.join(smallDir, `${name}.png`);
    fs.writeFileSync(target, bytes);
    written.push(target);
    if (process.env.PIXELROUTER_UPDATE_SCREENSHOTS === '1') {
      fs.mkdirSync(DOCS, { recursive: true });
      fs.copyFileSync(target, path.join(DOCS, `${name}.png`));
    }
  }
  return written;
}
