// Argument validation with sharp-style messages: "Expected <what> for <name> but received <value>
// of type <type>". Every public entry point checks its arguments here, before the addon sees them.

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `[${v.slice(0, 8).map(describe).join(', ')}${v.length > 8 ? ', …' : ''}] of type array`;
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as { length: number }).length})`;
  if (typeof v === 'object') return `${(v as object).constructor?.name ?? 'object'} of type object`;
  if (typeof v === 'string') return `"${v}" of type string`;
  return `${String(v)} of type ${typeof v}`;
}

export function invalidParameter(name: string, expected: string, actual: unknown): TypeError {
  return new TypeError(`Expected ${expected} for ${name} but received ${describe(actual)}`);
}

export function outOfRange(name: string, expected: string, actual: unknown): RangeError {
  return new RangeError(`Expected ${expected} for ${name} but received ${describe(actual)}`);
}

export function checkInt(name: string, v: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number') throw invalidParameter(name, `integer in [${min}, ${max}]`, v);
  if (!Number.isInteger(v) || v < min || v > max) throw outOfRange(name, `integer in [${min}, ${max}]`, v);
  return v;
}

export function checkNumber(name: string, v: unknown, min = -Infinity, max = Infinity, exclusiveMin = false): number {
  const what = `number in ${exclusiveMin ? '(' : '['}${min}, ${max}]`;
  if (typeof v !== 'number') throw invalidParameter(name, what, v);
  if (Number.isNaN(v) || v < min || v > max || (exclusiveMin && v === min)) throw outOfRange(name, what, v);
  return v;
}

export function checkBool(name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw invalidParameter(name, 'boolean', v);
  return v;
}

export function checkOneOf<T extends string>(name: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !allowed.includes(v as T)) throw invalidParameter(name, `one of ${allowed.join(', ')}`, v);
  return v as T;
}

// An int or a tuple of `n` ints, each >= min; returns the tuple.
export function checkTuple(name: string, v: unknown, n: number, min: number): number[] {
  if (typeof v === 'number') return new Array<number>(n).fill(checkInt(name, v, min));
  if (!Array.isArray(v) || v.length !== n) throw invalidParameter(name, `integer >= ${min} or array of ${n} integers`, v);
  return v.map((x, i) => checkInt(`${name}[${i}]`, x, min));
}

// Rejects keys not in `allowed`, naming the nearest allowed key when one is close.
export function checkOptions<T extends object>(name: string, opts: unknown, allowed: readonly string[]): Partial<T> {
  if (opts === undefined) return {};
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) throw invalidParameter(name, 'options object', opts);
  for (const key of Object.keys(opts)) {
    if (!allowed.includes(key)) {
      const near = allowed.find((a) => a.toLowerCase() === key.toLowerCase());
      throw new TypeError(
        `Unknown option "${key}" in ${name}` + (near ? `: did you mean "${near}"?` : `; expected one of ${allowed.join(', ')}`),
      );
    }
  }
  return opts as Partial<T>;
}
