// Parse JSON that came out of a sandbox without giving it a way to reach prototypes: keys that a
// careless consumer could turn into prototype pollution (`__proto__`, `constructor`, `prototype`)
// are dropped, and every object is created without a prototype.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function parseWithoutPrototypeKeys(json: string): unknown {
  try {
    return JSON.parse(json, function (key, value: unknown) {
      if (FORBIDDEN_KEYS.has(key)) return undefined;
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        return Object.assign(Object.create(null) as object, value);
      }
      return value;
    });
  } catch {
    return null;
  }
}
