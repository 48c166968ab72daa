import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

// ajv-formats is CommonJS: under NodeNext the default import is module.exports, whose
// `default` property is the plugin itself.
const addFormats = addFormatsModule.default;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** CI clones the repository with shared/ as its sibling. */
export function specPath(file: string): string {
  return path.resolve(repoRoot, '../shared/specs', file);
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: Json): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * OpenAPI 3.0 schema objects are almost JSON Schema: `nullable` becomes a type union, and
 * local refs (#/components/...) are made absolute to the spec's id so any fragment can be
 * compiled on its own.
 */
function adapt(node: Json, specId: string): Json {
  if (Array.isArray(node)) return node.map((n) => adapt(n, specId));
  if (!isObject(node)) return node;
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/')) {
      out.$ref = `${specId}${value}`;
    } else if (key === 'example' || key === 'examples' || key.startsWith('x-')) {
      continue;
    } else {
      out[key] = adapt(value, specId);
    }
  }
  if (out.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  delete out.nullable;
  // OpenAPI 3.0 keeps draft-04's boolean exclusiveMinimum/Maximum.
  for (const [bound, limit] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof out[bound] !== 'boolean') continue;
    if (out[bound] === true && typeof out[limit] === 'number') {
      out[bound] = out[limit];
      delete out[limit];
    } else {
      delete out[bound];
    }
  }
  return out;
}

export class OpenApiSpec {
  private readonly ajv: Ajv;
  private readonly doc: { [key: string]: Json };
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(file: string) {
    const id = `spec:${path.basename(file)}`;
    const raw = parse(readFileSync(specPath(file), 'utf8')) as Json;
    const doc = adapt(raw, id);
    if (!isObject(doc)) throw new Error(`${file} is not an OpenAPI document`);
    this.doc = doc;
    this.ajv = new Ajv({
      strict: false,
      allErrors: true,
      validateSchema: false,
      unicodeRegExp: false,
    });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: id, components: doc.components ?? {} });
  }

  /** The JSON schema of one operation's response, as the spec declares it. */
  responseSchema(method: string, apiPath: string, status: number): Json {
    const paths = this.doc.paths;
    const operation = isObject(paths ?? null)
      ? (paths as { [key: string]: Json })[apiPath]
      : undefined;
    const op = operation && isObject(operation) ? operation[method.toLowerCase()] : undefined;
    if (!op || !isObject(op) || !isObject(op.responses ?? null)) {
      throw new Error(`no operation ${method} ${apiPath}`);
    }
    const response = this.deref((op.responses as { [key: string]: Json })[String(status)] ?? null);
    if (!isObject(response) || !isObject(response.content ?? null)) {
      throw new Error(`no JSON body for ${method} ${apiPath} ${status}`);
    }
    const content = response.content as { [key: string]: Json };
    const media = content['application/json; charset=utf-8'] ?? content['application/json'] ?? null;
    if (!isObject(media)) throw new Error(`no application/json for ${method} ${apiPath} ${status}`);
    return media.schema ?? null;
  }

  validator(method: string, apiPath: string, status: number): ValidateFunction {
    const key = `${method} ${apiPath} ${status}`;
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(this.responseSchema(method, apiPath, status) as object);
      this.validators.set(key, validate);
    }
    return validate;
  }

  /** Validation errors, readable; an empty list means the body matches the spec. */
  check(method: string, apiPath: string, status: number, body: unknown): string[] {
    const validate = this.validator(method, apiPath, status);
    if (validate(body)) return [];
    return (validate.errors ?? []).map(
      (e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
    );
  }

  private deref(node: Json): Json {
    let current = node;
    for (let i = 0; i < 10 && isObject(current) && typeof current.$ref === 'string'; i++) {
      const pointer = current.$ref.slice(current.$ref.indexOf('#') + 2).split('/');
      let target: Json = this.doc;
      for (const part of pointer) target = isObject(target) ? (target[part] ?? null) : null;
      current = target;
    }
    return current;
  }
}
