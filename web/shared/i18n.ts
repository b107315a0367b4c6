/** Portuguese or English, from the browser's language; every visible string goes through t(). */
export type Strings = Record<string, string>;

export function pickLanguage(languages: readonly string[] = navigator.languages ?? [navigator.language]): 'pt' | 'en' {
  const first = languages.find((l) => /^(pt|en)\b/i.test(l));
  return first?.toLowerCase().startsWith('pt') ? 'pt' : 'en';
}

export function translator(tables: { en: Strings; pt: Strings }, lang = pickLanguage()) {
  document.documentElement.lang = lang === 'pt' ? 'pt-BR' : 'en';
  const table = tables[lang];
  return (key: string, vars: Record<string, string | number> = {}) =>
    (table[key] ?? tables.en[key] ?? key).replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? ''));
}

/** "1 min 30 s" style, for waits. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  const rest = s % 60;
  return rest ? `${m} min ${rest} s` : `${m} min`;
}
