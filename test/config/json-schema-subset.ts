// An independent checker for the subset of JSON Schema (draft-07) that scenarios/schema.json uses,
// so tests can ask "would an editor accept this file?" without the validator's own code. Any
// keyword outside the subset throws: a schema change must not be silently ignored here.

type Schema = { readonly [keyword: string]: unknown };

const ANNOTATIONS = new Set(['$schema', 'title', 'description']);
const SUPPORTED = new Set([
  'type', 'const', 'enum', 'pattern', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum',
  'minItems', 'maxItems', 'items', 'properties', 'required', 'additionalProperties', 'oneOf',
]);

function typeOk(type: unknown, v: unknown): boolean {
  switch (type) {
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    default:
      throw new Error(`json-schema-subset: unsupported type ${String(type)}`);
  }
}

/** Paths (JSON-pointer-like) where `value` breaks `schema`; empty when it conforms. */
export function schemaErrors(schema: Schema, value: unknown, at = ''): string[] {
  const errors: string[] = [];
  for (const keyword of Object.keys(schema)) {
    if (!ANNOTATIONS.has(keyword) && !SUPPORTED.has(keyword)) throw new Error(`json-schema-subset: unsupported keyword ${keyword}`);
  }
  const fail = (why: string) => errors.push(`${at || '/'}: ${why}`);
  if ('type' in schema && !typeOk(schema.type, value)) {
    fail(`not ${String(schema.type)}`);
    return errors;
  }
  if ('const' in schema && value !== schema.const) fail(`not ${JSON.stringify(schema.const)}`);
  if ('enum' in schema && !(schema.enum as unknown[]).includes(value)) fail('not in enum');
  if (typeof value === 'string') {
    if ('pattern' in schema && !new RegExp(schema.pattern as string, 'u').test(value)) fail('pattern');
    if ('maxLength' in schema && [...value].length > (schema.maxLength as number)) fail('maxLength');
  }
  if (typeof value === 'number') {
    if ('minimum' in schema && value < (schema.minimum as number)) fail('minimum');
    if ('maximum' in schema && value > (schema.maximum as number)) fail('maximum');
    if ('exclusiveMinimum' in schema && value <= (schema.exclusiveMinimum as number)) fail('exclusiveMinimum');
  }
  if (Array.isArray(value)) {
    if ('minItems' in schema && value.length < (schema.minItems as number)) fail('minItems');
    if ('maxItems' in schema && value.length > (schema.maxItems as number)) fail('maxItems');
    if ('items' in schema) value.forEach((item, i) => errors.push(...schemaErrors(schema.items as Schema, item, `${at}/${i}`)));
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const key of (schema.required ?? []) as string[]) if (!(key in obj)) fail(`missing ${key}`);
    for (const [key, v] of Object.entries(obj)) {
      if (key in properties) errors.push(...schemaErrors(properties[key], v, `${at}/${key}`));
      else if (schema.additionalProperties === false) fail(`unexpected ${key}`);
      else if (typeof schema.additionalProperties === 'object') {
        errors.push(...schemaErrors(schema.additionalProperties as Schema, v, `${at}/${key}`));
      }
    }
  }
  if ('oneOf' in schema) {
    const matching = (schema.oneOf as Schema[]).filter((s) => schemaErrors(s, value, at).length === 0).length;
    if (matching !== 1) fail(`matches ${matching} of oneOf`);
  }
  return errors;
}
