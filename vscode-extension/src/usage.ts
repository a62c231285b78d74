// The `deepseek/usage` answer (PROTOCOL.md) and how the status bar and menu word it.

export interface Tally {
  requests: number;
  costUsd: number;
}

export interface Usage {
  requests?: number;
  cacheHits?: number;
  typedAheadHits?: number;
  cancelled?: number;
  errors?: number;
  promptTokens?: number;
  promptCacheHitTokens?: number;
  promptCacheMissTokens?: number;
  completionTokens?: number;
  shown?: number;
  accepted?: number;
  costUsd?: number;
  costUsdToday?: number;
  costUsdMonth?: number;
  budget?: { dailyUsd: number | null; monthlyUsd: number | null; state: 'ok' | 'warned' | 'capped' };
  byModel?: Record<string, Tally>;
  byFeature?: Record<string, Tally>;
}

/** `$0.42`, or `$0.0031` for amounts under a dollar cent (spend is often tiny). */
export function usd(amount: number | undefined): string {
  const value = amount ?? 0;
  return value !== 0 && Math.abs(value) < 0.01 ? `$${value.toFixed(4)}` : `$${value.toFixed(2)}`;
}

function percent(part: number, whole: number): string {
  return whole > 0 ? `${Math.round((100 * part) / whole)} %` : 'n/a';
}

/** Suggestions answered without an upstream request (cache and typed-ahead). */
export function suggestionHitRate(u: Usage): string {
  const local = (u.cacheHits ?? 0) + (u.typedAheadHits ?? 0);
  return percent(local, local + (u.requests ?? 0));
}

/** Prompt tokens DeepSeek served from its prefix cache (billed at a fraction). */
export function promptCacheHitRate(u: Usage): string {
  const hit = u.promptCacheHitTokens ?? 0;
  return percent(hit, hit + (u.promptCacheMissTokens ?? 0));
}

/** One line on the spend caps, or '' when none is set. */
export function budgetLine(u: Usage): string {
  const b = u.budget;
  if (!b || (b.dailyUsd === null && b.monthlyUsd === null)) {
    return '';
  }
  const caps = [
    b.dailyUsd !== null ? `daily cap ${usd(b.dailyUsd)}` : '',
    b.monthlyUsd !== null ? `monthly cap ${usd(b.monthlyUsd)}` : '',
  ].filter(Boolean);
  const words = { ok: 'within budget', warned: 'over 80 % of a cap', capped: 'cap reached' };
  return `${caps.join(', ')}: ${words[b.state]}`;
}

/** The lines of the usage dialog. */
export function usageLines(u: Usage): string[] {
  const n = (value: number | undefined): number => value ?? 0;
  const features = Object.entries(u.byFeature ?? {})
    .map(([name, t]) => `${name} ${usd(t.costUsd)} (${t.requests})`)
    .join(', ');
  const models = Object.entries(u.byModel ?? {})
    .map(([name, t]) => `${name} ${usd(t.costUsd)} (${t.requests})`)
    .join(', ');
  return [
    `Spend: today ${usd(u.costUsdToday)}, this month ${usd(u.costUsdMonth)} (UTC; all your DeepSeek servers), since start ${usd(u.costUsd)}`,
    budgetLine(u),
    features ? `By feature: ${features}` : '',
    models ? `By model: ${models}` : '',
    `Cache: ${suggestionHitRate(u)} of suggestions without a request, ${promptCacheHitRate(u)} of prompt tokens from DeepSeek's prefix cache`,
    `Requests: ${n(u.requests)} (cache hits ${n(u.cacheHits)}, typed-ahead hits ${n(u.typedAheadHits)}, cancelled ${n(u.cancelled)}, errors ${n(u.errors)})`,
    `Suggestions: ${n(u.shown)} shown, ${n(u.accepted)} accepted`,
    `Tokens: prompt ${n(u.promptTokens)} (cache hit ${n(u.promptCacheHitTokens)}, miss ${n(u.promptCacheMissTokens)}), completion ${n(u.completionTokens)}`,
  ].filter(Boolean);
}
