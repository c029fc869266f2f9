import sharp from 'sharp';
import type { Quality, Size } from '../../api/imageRequest.js';

/**
 * The `test/test` model's painter: a landscape (sky, sun, mountain ridges, water) whose colours and
 * shapes all come from a seeded random stream, so the same prompt and seed give the same picture and
 * different prompts visibly different ones. Drawn as SVG and rasterised by sharp.
 */

/** FNV-1a: a small, stable string hash to seed the stream. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** mulberry32: a tiny deterministic PRNG returning floats in [0, 1). */
export function randomStream(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const RIDGES_BY_QUALITY: Record<Quality, number> = { low: 2, medium: 3, auto: 4, high: 5 };

const hsl = (h: number, s: number, l: number, a = 1) =>
  `hsla(${((h % 360) + 360) % 360},${s.toFixed(1)}%,${l.toFixed(1)}%,${a})`;

export interface SceneOptions {
  size: Size;
  seed: number;
  quality: Quality;
  /** Leave the sky out so everything around the landscape is transparent. */
  transparent: boolean;
}

export function sceneSvg({ size, seed, quality, transparent }: SceneOptions): string {
  const rand = randomStream(seed);
  const { width: w, height: h } = size;
  const hue = rand() * 360;
  const dusk = rand() < 0.5; // warm sunset or cool daylight
  const skyTop = dusk ? hsl(hue + 220, 55, 22) : hsl(hue + 190, 60, 62);
  const skyBottom = dusk ? hsl(hue + 20, 85, 68) : hsl(hue + 160, 55, 88);
  const horizon = h * (0.55 + rand() * 0.15);
  const sunR = Math.min(w, h) * (0.07 + rand() * 0.08);
  const sunX = w * (0.15 + rand() * 0.7);
  const sunY = horizon - sunR * (1.2 + rand() * 2.5);
  const sunColor = dusk ? hsl(hue + 40, 95, 80) : hsl(hue + 50, 90, 92);

  const parts: string[] = [];
  parts.push(`<defs>
    <linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${skyTop}"/><stop offset="1" stop-color="${skyBottom}"/></linearGradient>
    <radialGradient id="glow"><stop offset="0" stop-color="${sunColor}" stop-opacity="0.85"/><stop offset="1" stop-color="${sunColor}" stop-opacity="0"/></radialGradient>
    <linearGradient id="water" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${skyBottom}" stop-opacity="0.9"/><stop offset="1" stop-color="${skyTop}" stop-opacity="0.95"/></linearGradient>
  </defs>`);
  if (!transparent) {
    parts.push(`<rect width="${w}" height="${h}" fill="url(#sky)"/>`);
    parts.push(`<circle cx="${sunX}" cy="${sunY}" r="${sunR * 3}" fill="url(#glow)"/>`);
    if (dusk) {
      for (let i = 0; i < 40; i++) {
        const r = Math.max(0.6, Math.min(w, h) * 0.0018 * (0.5 + rand()));
        parts.push(`<circle cx="${(rand() * w).toFixed(1)}" cy="${(rand() * horizon * 0.6).toFixed(1)}" r="${r.toFixed(2)}" fill="white" fill-opacity="${(0.3 + rand() * 0.6).toFixed(2)}"/>`);
      }
    }
  }
  parts.push(`<circle cx="${sunX}" cy="${sunY}" r="${sunR}" fill="${sunColor}"/>`);

  const ridges = RIDGES_BY_QUALITY[quality];
  for (let layer = 0; layer < ridges; layer++) {
    const depth = layer / Math.max(1, ridges - 1); // 0 far .. 1 near
    const base = horizon - h * 0.22 * (1 - depth) + h * 0.04 * depth;
    const amplitude = h * (0.05 + 0.12 * rand()) * (1 - depth * 0.4);
    const peaks = 3 + Math.floor(rand() * 5) + layer;
    const phase = rand() * Math.PI * 2;
    const points: string[] = [`0,${h}`];
    const steps = 48;
    for (let i = 0; i <= steps; i++) {
      const x = (i / steps) * w;
      const t = (i / steps) * Math.PI * peaks + phase;
      const y = base - amplitude * (0.6 * Math.abs(Math.sin(t)) + 0.4 * Math.abs(Math.sin(t * 2.3 + layer)) + 0.15 * (rand() - 0.5));
      points.push(`${x.toFixed(1)},${Math.min(y, horizon).toFixed(1)}`);
    }
    points.push(`${w},${h}`);
    const lightness = dusk ? 38 - depth * 28 : 62 - depth * 38;
    parts.push(`<polygon points="${points.join(' ')}" fill="${hsl(hue + 200 + depth * 60, 25 + depth * 20, lightness)}"/>`);
  }
  // A lake in front reflects the sky and sun.
  parts.push(`<rect x="0" y="${horizon}" width="${w}" height="${h - horizon}" fill="url(#water)"/>`);
  for (let i = 0; i < 6; i++) {
    const y = horizon + (h - horizon) * (0.1 + i * 0.14);
    const half = sunR * (1.1 - i * 0.12);
    parts.push(`<rect x="${(sunX - half).toFixed(1)}" y="${y.toFixed(1)}" width="${(half * 2).toFixed(1)}" height="${Math.max(1, h * 0.006).toFixed(1)}" rx="2" fill="${sunColor}" fill-opacity="${(0.7 - i * 0.1).toFixed(2)}"/>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">${parts.join('')}</svg>`;
}

/** The scene as raw RGBA pixels. */
export async function renderScene(options: SceneOptions): Promise<Buffer> {
  return sharp(Buffer.from(sceneSvg(options)), { density: 72 })
    .resize(options.size.width, options.size.height, { fit: 'fill' })
    .ensureAlpha()
    .raw()
    .toBuffer();
}
