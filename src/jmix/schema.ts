// The published JMIX JSON Schemas (draft 2020-12, spec 1.0-beta), re-expressed as typed data with a
// small validator for just the keywords they use. Every violation becomes a Problem with a JSON
// pointer. Violations are warnings: real producers break the schemas routinely (INTEROP §6) and an
// envelope is judged by its hashes and signatures, not its key names.
import { isObject, pointer } from './json.ts';
import type { Problem } from './types.ts';
import { append } from '../common/arrays.ts';

export type Schema =
  | { type: 'string'; enum?: readonly string[]; const?: string; pattern?: string; format?: 'uuid' | 'date-time' | 'date' }
  | { type: 'integer'; minimum?: number }
  | { type: 'array'; items?: Schema; minItems?: number }
  | { type: 'object'; properties: Record<string, Schema>; required?: readonly string[]; additional: boolean }
  | { oneOf: readonly Schema[] };

const s = (extra: Omit<Extract<Schema, { type: 'string' }>, 'type'> = {}): Schema => ({ type: 'string', ...extra });
const arr = (items: Schema, minItems?: number): Schema => ({ type: 'array', items, ...(minItems ? { minItems } : {}) });
const o = (properties: Record<string, Schema>, required: readonly string[] = [], additional = false): Schema => ({
  type: 'object',
  properties,
  required,
  additional,
});

const contactPoint = o({ system: s(), value: s() }, ['system', 'value']);
const signingKey = o({ alg: s({ enum: ['Ed25519'] }), public_key: s(), fingerprint: s({ pattern: '^SHA256:[A-Fa-f0-9]+$' }) }, [
  'alg',
  'public_key',
  'fingerprint',
]);
const assertion = o(
  {
    signing_key: signingKey,
    key_reference: s(),
    signed_fields: arr(s(), 1),
    signature: s(),
    expires_at: s({ format: 'date-time' }),
    directory_attestation: o(
      { provider: s(), attestation_signature: s(), attestation_timestamp: s({ format: 'date-time' }), attestation_public_key: s() },
      ['provider', 'attestation_signature', 'attestation_timestamp', 'attestation_public_key'],
    ),
  },
  ['signing_key', 'signed_fields', 'signature'],
);
const entity = o({ name: s(), id: s(), contact: { oneOf: [s(), contactPoint] }, assertion }, ['id']);
const consent = o(
  {
    status: s({ enum: ['granted', 'denied', 'unknown'] }),
    scope: arr(s({ enum: ['treatment', 'research', 'emergency', 'operations', 'patient'] })),
    method: s(),
    signed_on: s({ format: 'date' }),
  },
  ['status'],
);
const deid = o({ keys: arr(s()) });
const extensions = o({ custom_tags: arr(s()), consent, deid }, [], true);

export const manifestSchema: Schema = o(
  {
    version: s(),
    id: s({ format: 'uuid' }),
    timestamp: s({ format: 'date-time' }),
    sender: entity,
    requester: entity,
    receiver: arr(entity, 1),
    security: o({
      classification: s({ enum: ['confidential', 'sensitive', 'de-identified'] }),
      payload_hash: s({ pattern: '^sha256:[A-Fa-f0-9]+$' }),
      jws: o({ jws_file: s() }, ['jws_file']),
      signature: o({ alg: s(), sig: s(), hash: s() }, ['alg', 'sig']),
      encryption: o({ algorithm: s({ const: 'AES-256-GCM' }), ephemeral_public_key: s(), iv: s(), auth_tag: s() }, [
        'algorithm',
        'ephemeral_public_key',
        'iv',
        'auth_tag',
      ]),
    }),
    extensions,
  },
  ['version', 'id', 'timestamp', 'sender', 'receiver'],
);

export const metadataSchema: Schema = o(
  {
    version: s(),
    id: s({ format: 'uuid' }),
    timestamp: s({ format: 'date-time' }),
    patient: o(
      {
        id: s(),
        name: o({ family: s(), given: arr(s()), prefix: s(), suffix: s(), text: s() }),
        dob: s({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
        sex: s({ enum: ['M', 'F', 'O'] }),
        identifiers: arr(o({ system: s(), value: s() }, ['system', 'value'])),
        verification: o({ verified_by: s(), verified_on: s({ format: 'date' }) }),
      },
      ['id'],
    ),
    report: o({ file: s() }),
    studies: o({
      study_description: s(),
      study_uid: s(),
      series: arr(
        o(
          { series_uid: s(), modality: s(), body_part: s(), instance_count: { type: 'integer', minimum: 0 } },
          ['series_uid', 'modality'],
          true,
        ),
      ),
    }),
    extensions,
  },
  ['version', 'id', 'timestamp', 'patient'],
);

const entityRef = o({ id: s(), name: s() }, ['id']);
export const auditSchema: Schema = o(
  {
    audit: arr(
      o(
        {
          event: s(),
          by: entityRef,
          to: entityRef,
          timestamp: s({ format: 'date-time' }),
          assertion: o({ signing_key: signingKey, signed_fields: arr(s(), 1), signature: s() }, [
            'signing_key',
            'signed_fields',
            'signature',
          ]),
        },
        ['event', 'by', 'timestamp'],
      ),
    ),
  },
  ['audit'],
);

export const filesSchema: Schema = arr(o({ file: s(), hash: s(), size_bytes: { type: 'integer', minimum: 0 } }, ['file']));

const FORMATS: Record<string, RegExp> = {
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  'date-time': /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
};

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (Number.isInteger(v)) return 'integer';
  return typeof v;
}

/** Validate `value` against `schema`; returns the violations as warnings for `file`. */
export function validate(value: unknown, schema: Schema, file: string, at = ''): Problem[] {
  const out: Problem[] = [];
  const push = (where: string, message: string) => out.push({ severity: 'warning', file, pointer: where, message });
  if ('oneOf' in schema) {
    const matches = schema.oneOf.filter((alt) => validate(value, alt, file, at).length === 0).length;
    if (matches !== 1) push(at, `The value ${matches === 0 ? 'matches none' : 'matches more than one'} of the allowed forms.`);
    return out;
  }
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string')
        return [...out, { severity: 'warning', file, pointer: at, message: `Should be text, found ${typeName(value)}.` }];
      if (schema.enum && !schema.enum.includes(value))
        push(at, `"${clip(value)}" is not one of the allowed values: ${schema.enum.join(', ')}.`);
      if (schema.const !== undefined && value !== schema.const) push(at, `Should be "${schema.const}", found "${clip(value)}".`);
      if (schema.pattern && !new RegExp(schema.pattern).test(value))
        push(at, `"${clip(value)}" does not have the required form (${schema.pattern}).`);
      if (schema.format && !FORMATS[schema.format]!.test(value)) push(at, `"${clip(value)}" is not a valid ${schema.format}.`);
      return out;
    case 'integer':
      if (!Number.isInteger(value)) push(at, `Should be a whole number, found ${typeName(value)}.`);
      else if (schema.minimum !== undefined && (value as number) < schema.minimum) push(at, `Should be at least ${schema.minimum}.`);
      return out;
    case 'array':
      if (!Array.isArray(value))
        return [{ severity: 'warning', file, pointer: at, message: `Should be a list, found ${typeName(value)}.` }];
      if (schema.minItems && value.length < schema.minItems)
        push(at, `Should have at least ${schema.minItems} item(s), has ${value.length}.`);
      if (schema.items) value.forEach((item, i) => append(out, validate(item, schema.items!, file, `${at}/${i}`)));
      return out;
    case 'object': {
      if (!isObject(value)) return [{ severity: 'warning', file, pointer: at, message: `Should be an object, found ${typeName(value)}.` }];
      for (const key of schema.required ?? []) if (!(key in value)) push(at || '/', `Required field "${key}" is missing.`);
      for (const [key, v] of Object.entries(value)) {
        // hasOwn, not [key]: a "__proto__" or "constructor" key would otherwise find
        // Object.prototype's members, which are not schemas (validate returned undefined and crashed).
        const sub = Object.hasOwn(schema.properties, key) ? schema.properties[key] : undefined;
        if (sub) append(out, validate(v, sub, file, at + pointer(key)));
        else if (!schema.additional)
          push(at + pointer(key), `"${key}" is not a field the JMIX schema defines (kept and shown, not an error).`);
      }
      return out;
    }
  }
}

function clip(v: string): string {
  return v.length > 60 ? v.slice(0, 60) + '…' : v;
}
