import { formatSize, parseSize, type ImageRequest, type Size } from '../api/imageRequest.js';
import type { ProviderOffer, SizeRule } from '../catalog/types.js';

/**
 * The size an offer will be asked for. A size it cannot make is mapped to the nearest one it can,
 * with a warning for the client: never changed silently, never refused for being slightly off.
 */
export function fitSize(rule: SizeRule, requested: Size): { size: Size; warning?: string } {
  let size = requested;
  if (rule.kind === 'list') size = nearestListed(rule.sizes.map(parseSize), requested);
  if (rule.kind === 'range') {
    const side = (value: number) => {
      const clamped = Math.min(rule.max, Math.max(rule.min, value));
      const rounded = Math.round(clamped / rule.multipleOf) * rule.multipleOf;
      return Math.min(Math.floor(rule.max / rule.multipleOf) * rule.multipleOf, Math.max(Math.ceil(rule.min / rule.multipleOf) * rule.multipleOf, rounded));
    };
    size = { width: side(requested.width), height: side(requested.height) };
  }
  // Aspect-ratio upstreams pick their own pixels; the adapter maps the ratio and says so.
  if (size.width === requested.width && size.height === requested.height) return { size };
  return { size, warning: `size ${formatSize(requested)} is not available for this model; using ${formatSize(size)}` };
}

/** Closest in shape first (log aspect ratio), then in area. */
function nearestListed(sizes: Size[], target: Size): Size {
  const score = (s: Size) => Math.abs(Math.log(s.width / s.height) - Math.log(target.width / target.height)) * 4
    + Math.abs(Math.log((s.width * s.height) / (target.width * target.height)));
  return sizes.reduce((best, s) => (score(s) < score(best) ? s : best));
}

/** The size this offer is asked for, and what had to change for it. */
export function fitOffer(offer: ProviderOffer, request: ImageRequest): { size: Size; warnings: string[] } {
  const caps = offer.capabilities;
  const requested = request.size === 'auto' ? parseSize(caps.defaultSize) : request.size;
  const { size, warning } = fitSize(caps.sizes, requested);
  const warnings = warning ? [warning] : [];
  if (request.quality !== 'auto' && !caps.quality) warnings.push(`quality '${request.quality}' is not supported by this model; ignored`);
  if (request.background === 'transparent' && !caps.transparentBackground) warnings.push('a transparent background is not supported by this model; the image is opaque');
  return { size, warnings };
}
