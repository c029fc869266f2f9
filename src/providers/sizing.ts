import type { Size } from '../api/imageRequest.js';

/**
 * Mapping a pixel size onto what an upstream takes instead: an aspect ratio ("16:9") or a
 * resolution tier ("1K", "2K"). Adapters warn when the mapping changes the shape or the size.
 */

/** The nearest of `ratios` ("16:9") to a pixel size, by log aspect ratio. */
export function nearestAspectRatio(size: { width: number; height: number }, ratios: string[]): string {
  const target = Math.log(size.width / size.height);
  let best = ratios[0]!;
  let bestDistance = Infinity;
  for (const ratio of ratios) {
    const [w, h] = ratio.split(':').map(Number);
    const distance = Math.abs(Math.log(w! / h!) - target);
    if (distance < bestDistance) [best, bestDistance] = [ratio, distance];
  }
  return best;
}

/** True within `tolerance` (log scale): an upstream's own "16:9" is 1344x768, not worth a warning. */
export function closeRatio({ width, height }: Size, ratio: string, tolerance = 0.03): boolean {
  const [w, h] = ratio.split(':').map(Number);
  return Math.abs(Math.log(width / height / (w! / h!))) < tolerance;
}

/** The tier nearest by pixel count (log scale): 1536x1024 is a 1K image, 2048x2048 a 2K one. */
export function nearestTier<T extends string>(size: Size, tiers: readonly T[], pixels: Record<T, number>): T {
  const distance = (tier: T) => Math.abs(Math.log((size.width * size.height) / pixels[tier]));
  return tiers.reduce((best, tier) => (distance(tier) < distance(best) ? tier : best));
}
