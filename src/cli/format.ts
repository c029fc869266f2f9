/** Plain-text presentation shared by the CLI commands and the MCP tools. */

/** Rows as aligned columns (two spaces apart). */
export function table(rows: string[][]): string {
  if (rows.length === 0) return '(none)';
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((row) => row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()).join('\n');
}

/** USD with at least two decimals and at most six: $0.01, $7.50, $0.000125. */
export const money = (usd: number | null | undefined) => (usd === null || usd === undefined ? '-' : `$${usd.toFixed(6).replace(/0{1,4}$/, '')}`);

/** USD as short as it can be: $0.04, $0.0025. */
const usd = (value: number) => `$${Number(value.toFixed(6))}`;

/** A provider offer's price as /v1/models presents it. */
export function describePricing(pricing: any): string {
  if (!pricing) return 'no price';
  if (pricing.type === 'fixed') return pricing.value === 0 ? 'free' : `${usd(pricing.value)}/image`;
  if (pricing.type === 'per_megapixel') return `${usd(pricing.value)}/MP`;
  if (pricing.type === 'post_generation') return `up to ${usd(pricing.range.max)}/image`;
  if (pricing.range) return pricing.range.min === pricing.range.max ? `${usd(pricing.range.min)}/image` : `${usd(pricing.range.min)}-${usd(pricing.range.max)}/image`;
  return String(pricing.type);
}

/** One model from /v1/models, summarised: what a person or an agent needs to pick it. */
export function summariseModel(model: any) {
  const offers: any[] = model.providers ?? [];
  return {
    id: model.id as string,
    name: model.name as string,
    providers: offers.map((o) => o.id as string),
    price: [...new Set(offers.map((o) => describePricing(o.pricing)))].join(', '),
    edit: Boolean(model.supported_params?.edit),
    mask: Boolean(model.supported_params?.mask),
    available: Boolean(model.available),
  };
}

export function modelsTable(models: any[]): string {
  const rows = models.map(summariseModel).map((m) => [
    m.id, m.providers.join(','), m.price, m.edit ? (m.mask ? 'edit+mask' : 'edit') : '-', m.available ? 'yes' : 'no',
  ]);
  return table([['MODEL', 'PROVIDERS', 'PRICE', 'EDIT', 'AVAILABLE'], ...rows]);
}

export function creditsTable(credits: any): string {
  const summary = table([
    ['remaining', money(credits.remaining_credits)],
    ['used', money(credits.credit_usage)],
    ['deposits', money(credits.total_deposits)],
    ['reserved', money(credits.reserved_credits)],
  ]);
  if (!Array.isArray(credits.by_api_key)) return summary;
  const keys = credits.by_api_key.map((k: any) => [k.id, k.name, `${k.hint}...`, k.revoked ? 'revoked' : 'active', money(k.credit_usage)]);
  return `${summary}\n\n${table([['KEY', 'NAME', 'HINT', 'STATE', 'USED'], ...keys])}`;
}

export function usageTable(records: any[]): string {
  const rows = records.map((r) => [
    String(r.created_at).replace(/\.\d+Z$/, 'Z'), r.model || '-', r.provider ?? '-', `${r.status} ${r.http_status}`,
    String(r.images), r.size ?? '-', money(r.cost), `${r.latency_ms} ms`, r.id,
  ]);
  return table([['TIME', 'MODEL', 'PROVIDER', 'STATUS', 'IMAGES', 'SIZE', 'COST', 'LATENCY', 'ID'], ...rows]);
}
