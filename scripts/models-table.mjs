#!/usr/bin/env node
// Prints the README's "Models by provider" table from the built catalog (run `npm run build` first):
//   node scripts/models-table.mjs
import { MODELS } from '../dist/catalog/models.js';
import { describePrice } from '../dist/billing/pricing.js';

const usd = (v) => `$${Number(v.toFixed(4))}`;
const price = (rule) => {
  if (!rule) return 'no price (refused until set)';
  const p = describePrice(rule, { marginPercent: 0 });
  if (p.type === 'fixed') return p.value === 0 ? 'free' : `${usd(p.value)}/image`;
  if (p.type === 'per_megapixel') return `${usd(p.value)}/MP`;
  return `${usd(p.range.min)}-${usd(p.range.max)}/image${p.type === 'post_generation' ? ' (as reported)' : ''}`;
};
const sizes = (rule) => (rule.kind === 'list' ? `${rule.sizes.length} sizes` : rule.kind === 'range' ? `${rule.min}-${rule.max}px` : `${rule.ratios.length} ratios`);

console.log('| model | provider | upstream name | price | sizes | edit | mask | n per call |');
console.log('|---|---|---|---|---|---|---|---|');
for (const model of [...MODELS].sort((a, b) => a.id.localeCompare(b.id))) {
  for (const offer of model.providers) {
    const c = offer.capabilities;
    const edit = c.edit ? `yes (${c.maxInputImages})` : 'no';
    console.log(`| \`${model.id}\` | ${offer.provider} | \`${offer.upstreamModel}\` | ${price(offer.price)} | ${sizes(c.sizes)} | ${edit} | ${c.mask ? 'yes' : 'no'} | ${c.maxImagesPerCall} |`);
  }
}
