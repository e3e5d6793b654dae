import type { ParamType } from './types.js';

const INT = /^\s*-?\d+\s*$/;
const DEC = /^\s*-?\d+(\.\d+)?\s*$/;

/**
 * Best-effort normalisation of one wire value to the form its schema describes. Values that do not
 * fit are passed through unchanged, so the schema rejects them with a type error and the parameter's code.
 * Numbers may arrive as strings (JOS-10); arrays as JSON arrays or comma-separated text, as SDKs send them.
 */
export function normalizeValue(type: ParamType, raw: unknown): unknown {
  switch (type) {
    case 'int':
      return toInt(raw);
    case 'decimal':
      return toDecimal(raw);
    case 'string':
    case 'datetime':
      return raw;
    case 'int[]':
      return toArray(raw, toInt);
    case 'decimal[]':
      return toArray(raw, toDecimal);
    case 'string[]':
      return toArray(raw, (v) => v);
    case 'object[]':
      return toObjects(raw);
  }
}

function toInt(raw: unknown): unknown {
  if (typeof raw === 'string' && INT.test(raw)) {
    const n = Number(raw);
    return Number.isSafeInteger(n) ? n : raw;
  }
  return raw;
}

function toDecimal(raw: unknown): unknown {
  if (typeof raw === 'string' && DEC.test(raw)) {
    const n = Number(raw);
    return Number.isFinite(n) ? n : raw;
  }
  return raw;
}

function toArray(raw: unknown, item: (v: unknown) => unknown): unknown {
  if (Array.isArray(raw)) return raw.map(item);
  if (typeof raw === 'string') {
    if (raw.trim() === '') return [];
    return raw.split(',').map((s) => item(s.trim()));
  }
  if (typeof raw === 'number') return [item(raw)];
  return raw;
}

/** An array as it came, or the JSON text of one (a form-encoded client); anything else unchanged, for the schema to refuse. */
function toObjects(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed : raw;
  } catch {
    return raw;
  }
}
