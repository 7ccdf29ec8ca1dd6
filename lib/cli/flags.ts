// Command-line numbers arrive as strings. They are parsed here so that "", " ", "abc" and "Infinity" fail
// with the text that was typed ("received "abc" of type string"), instead of Number() turning
// them into 0 (accepted silently) or NaN (an error that hides what the user wrote).
import { checkInt, checkNumber } from '../validate.js';

function parse(raw: string | undefined): unknown {
  if (raw === undefined) return raw;
  const v = raw.trim() === '' ? NaN : Number(raw);
  return Number.isFinite(v) ? v : raw; // "Infinity" is no more a usable setting than "abc".
}

export function intFlag(name: string, raw: string | undefined, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  return checkInt(name, parse(raw), min, max);
}

export function numberFlag(name: string, raw: string | undefined, min = -Infinity, max = Infinity, exclusiveMin = false): number {
  return checkNumber(name, parse(raw), min, max, exclusiveMin);
}
