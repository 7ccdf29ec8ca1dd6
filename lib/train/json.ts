// JSON with sorted keys, so two configs compare equal whatever order their keys were written in,
// and a short account of how two configs differ, for resume errors.

export function canonicalJson(v: unknown): string {
  return JSON.stringify(sortKeys(v));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}

// "batchSize 32 in the checkpoint but 64 now; lr ..." over the top-level keys of two objects.
export function describeDifferences(saved: unknown, now: unknown): string {
  const isObj = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
  if (!isObj(saved) || !isObj(now)) return `${canonicalJson(saved)} in the checkpoint but ${canonicalJson(now)} now`;
  const keys = [...new Set([...Object.keys(saved), ...Object.keys(now)])].sort();
  const show = (x: unknown) => (x === undefined ? '(absent)' : canonicalJson(x));
  return keys.filter((k) => canonicalJson(saved[k]) !== canonicalJson(now[k]))
    .map((k) => `${k} ${show(saved[k])} in the checkpoint but ${show(now[k])} now`).join('; ');
}

// The task's config as it will be stored: a plain object that survives JSON unchanged.
export function jsonConfig(name: string, cfg: unknown): Record<string, unknown> {
  if (cfg === null || typeof cfg !== 'object' || Array.isArray(cfg))
    throw new TypeError(`train.fit: task "${name}".config() must return a plain object but returned ${cfg === null ? 'null' : Array.isArray(cfg) ? 'an array' : typeof cfg}`);
  let text: string;
  try {
    text = JSON.stringify(cfg);
  } catch (e) {
    throw new TypeError(`train.fit: task "${name}".config() is not JSON-serializable: ${(e as Error).message}`);
  }
  return JSON.parse(text) as Record<string, unknown>;
}
