#!/usr/bin/env node
// The README's "Models by provider" table, from the built catalog (run `npm run build` first):
//   node scripts/models-table.mjs           prints it
//   node scripts/models-table.mjs --write   replaces it in README.md (between the models markers)
import fs from 'node:fs';
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

const lines = ['| model | provider | upstream name | price | sizes | edit (max inputs) | mask | n per call |', '|---|---|---|---|---|---|---|---|'];
for (const model of [...MODELS].sort((a, b) => a.id.localeCompare(b.id))) {
  for (const offer of model.providers) {
    const c = offer.capabilities;
    const edit = c.edit ? `yes (${c.maxInputImages})` : 'no';
    lines.push(`| \`${model.id}\` | ${offer.provider} | \`${offer.upstreamModel}\` | ${price(offer.price)} | ${sizes(c.sizes)} | ${edit} | ${c.mask ? 'yes' : 'no'} | ${c.maxImagesPerCall} |`);
  }
}
const table = `${MODELS.length} models, ${lines.length - 2} offers (prices before the operator's margin):\n\n${lines.join('\n')}`;
if (process.argv.includes('--write')) {
  const readme = fs.readFileSync('README.md', 'utf8');
  const start = '<!-- models:start -->';
  const end = '<!-- models:end -->';
  if (!readme.includes(start)) throw new Error('README.md has no models markers');
  fs.writeFileSync('README.md', readme.replace(new RegExp(`${start}[\\s\\S]*${end}`), `${start}\n${table}\n${end}`));
} else {
  console.log(table);
}
