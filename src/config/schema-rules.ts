// Validation rules for values parsed from YAML. Each rule does two jobs from one definition: it
// checks a value (recording every problem rather than stopping at the first, so one run of the
// action lists all the mistakes in a file) and it describes itself as JSON Schema, so the editor
// schema (scenarios/schema.json) is generated from the rules the validator runs and cannot drift.

export type JsonSchema = { readonly [keyword: string]: unknown };

/** One mistake: `path` is the dotted field path inside the object being checked ('' = the object itself). */
export interface Problem {
  readonly path: string;
  readonly message: string;
}

export interface Rule<T> {
  /** What a valid value looks like, in words ("a whole number ≥ 1"). */
  readonly expected: string;
  readonly schema: JsonSchema;
  /** The checked (and normalised) value, or undefined after recording at least one problem. */
  check(value: unknown, path: string, problems: Problem[]): T | undefined;
}

export function joinPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

/** A value as the user wrote it, short enough for a one-line message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null (an empty value)';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function mismatch(path: string, expected: string, value: unknown): Problem {
  return { path, message: `expected ${expected}, got ${describeValue(value)}` };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rule<T>(expected: string, schema: JsonSchema, accept: (value: unknown) => T | undefined): Rule<T> {
  return {
    expected,
    schema,
    check(value, path, problems) {
      const result = accept(value);
      if (result === undefined) problems.push(mismatch(path, expected, value));
      return result;
    },
  };
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function wholeNumber(min: number, max?: number): Rule<number> {
  const expected = max === undefined ? `a whole number ≥ ${min}` : `a whole number from ${min} to ${max}`;
  const schema = max === undefined ? { type: 'integer', minimum: min } : { type: 'integer', minimum: min, maximum: max };
  return rule(expected, schema, (v) =>
    isFiniteNumber(v) && Number.isInteger(v) && v >= min && (max === undefined || v <= max) ? v : undefined,
  );
}

/** A finite number strictly above `min`. */
export function numberAbove(min: number): Rule<number> {
  return rule(`a number > ${min}`, { type: 'number', exclusiveMinimum: min }, (v) =>
    isFiniteNumber(v) && v > min ? v : undefined,
  );
}

/** A finite number in [min, max] (max may be Infinity for "no upper bound"). */
export function numberBetween(min: number, max: number, unit = ''): Rule<number> {
  const expected = max === Infinity ? `a number ≥ ${min}${unit}` : `a number from ${min} to ${max}${unit}`;
  const schema = max === Infinity ? { type: 'number', minimum: min } : { type: 'number', minimum: min, maximum: max };
  return rule(expected, schema, (v) => (isFiniteNumber(v) && v >= min && v <= max ? v : undefined));
}

/**
 * A relative tolerance: a fraction below 1 (0.05 = 5%). At 1 or more a higher-is-better metric
 * could fall to nothing and stay within it, so the comparison refuses it; it is refused here,
 * before anything is measured.
 */
export const TOLERANCE_FRACTION: Rule<number> = numberBetween(0, 0.99, ' (a fraction: 0.05 = 5%)');

export function text(expected: string, pattern: RegExp, maxLength: number): Rule<string> {
  return rule(expected, { type: 'string', pattern: pattern.source, maxLength }, (v) =>
    typeof v === 'string' && pattern.test(v) && v.length <= maxLength ? v : undefined,
  );
}

export function oneOf<const V extends string | number>(values: readonly V[]): Rule<V> {
  const shown = values.map((v) => JSON.stringify(v));
  const expected = shown.length === 1 ? shown[0] : `${shown.slice(0, -1).join(', ')} or ${shown.at(-1)}`;
  const schema = values.length === 1 ? { const: values[0] } : { enum: [...values] };
  return rule(expected, schema, (v) => (values.includes(v as V) ? (v as V) : undefined));
}

// ---------- objects ----------

/** kebab-case (YAML) to camelCase (TypeScript), at the type level and at run time. */
export type Camel<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;

function camel<S extends string>(key: S): Camel<S> {
  return key.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase()) as Camel<S>;
}

export interface Field<T> {
  readonly rule: Rule<T>;
  readonly description: string;
  /** Required inside its object (the JSON Schema says so too); scenario-level requirements are checked after defaults. */
  readonly required?: boolean;
}

export type Fields = { readonly [yamlKey: string]: Field<unknown> };

/** The checked object: camelCase keys, every field optional (absent or invalid fields are left out). */
export type FieldValues<F extends Fields> = {
  -readonly [K in keyof F & string as Camel<K>]?: F[K] extends Field<infer T> ? T : never;
};

export function field<T>(rule: Rule<T>, description: string, required = false): Field<T> {
  return { rule, description, required };
}

/** Edits (insert, delete, substitute, swap two neighbours) between two strings. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** "unknown field; expected one of: ..." with a did-you-mean for likely typos. */
export function unknownKey(path: string, what: string, key: string, known: readonly string[]): Problem {
  const typed = key.toLowerCase();
  const close = known.filter((k) => {
    const want = k.toLowerCase();
    const partial = typed.length >= 4 ? want.includes(typed) : typed.length >= 3 && want.startsWith(typed);
    return partial || typed.startsWith(want) || editDistance(want, typed) <= Math.max(1, Math.floor(want.length / 4));
  });
  const hint = close.length > 0 ? ` (did you mean ${close.map((k) => `"${k}"`).join(' or ')}?)` : '';
  return { path, message: `unknown ${what}${hint}; expected one of: ${known.join(', ')}` };
}

/**
 * Checks the fields of a mapping: unknown keys and missing required fields are problems; valid
 * fields are returned under their camelCase names, invalid ones are left out.
 */
export function checkFields<F extends Fields>(
  value: Record<string, unknown>,
  fields: F,
  path: string,
  problems: Problem[],
): FieldValues<F> {
  const out: Record<string, unknown> = {};
  const known = Object.keys(fields);
  for (const [key, raw] of Object.entries(value)) {
    const f = fields[key];
    if (f === undefined) {
      problems.push(unknownKey(joinPath(path, key), 'field', key, known));
      continue;
    }
    const checked = f.rule.check(raw, joinPath(path, key), problems);
    if (checked !== undefined) out[camel(key)] = checked;
  }
  for (const [key, f] of Object.entries(fields)) {
    if (f.required && !(key in value)) problems.push(mismatch(joinPath(path, key), f.rule.expected, undefined));
  }
  return out as FieldValues<F>;
}

export function fieldsSchema(fields: Fields): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [key, f] of Object.entries(fields)) properties[key] = { description: f.description, ...f.rule.schema };
  const required = Object.entries(fields)
    .filter(([, f]) => f.required)
    .map(([key]) => key);
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}), additionalProperties: false };
}

/** A mapping with the given fields; undefined (after recording why) unless every field is valid. */
export function object<F extends Fields>(fields: F, expected: string): Rule<FieldValues<F>> {
  return {
    expected,
    schema: fieldsSchema(fields),
    check(value, path, problems) {
      if (!isPlainObject(value)) {
        problems.push(mismatch(path, expected, value));
        return undefined;
      }
      const before = problems.length;
      const out = checkFields(value, fields, path, problems);
      return problems.length === before ? out : undefined;
    },
  };
}

/**
 * A mapping from a fixed set of names (e.g. metric names) to values of one rule. Keys are kept
 * as written (they are names, not field names, so no camelCase conversion).
 */
export function record<T>(
  keys: readonly string[],
  keyKind: string,
  value: Rule<T>,
  describeKey: (key: string) => string,
): Rule<Readonly<Record<string, T>>> {
  const expected = `a mapping {${keyKind}: ${value.expected}}`;
  const properties: Record<string, JsonSchema> = {};
  for (const k of keys) properties[k] = { description: describeKey(k), ...value.schema };
  return {
    expected,
    schema: { type: 'object', properties, additionalProperties: false },
    check(raw, path, problems) {
      if (!isPlainObject(raw)) {
        problems.push(mismatch(path, expected, raw));
        return undefined;
      }
      const before = problems.length;
      const out: Record<string, T> = {};
      for (const [k, v] of Object.entries(raw)) {
        if (!keys.includes(k)) {
          problems.push(unknownKey(joinPath(path, k), keyKind, k, keys));
          continue;
        }
        const checked = value.check(v, joinPath(path, k), problems);
        if (checked !== undefined) out[k] = checked;
      }
      return problems.length === before ? out : undefined;
    },
  };
}
