import Ajv2020 from "ajv/dist/2020";

/** A JSON Schema as it appears in the OpenAPI document. */
export type Schema = Record<string, any>;

/** One JSON response schema of the document: `GET /api/jobs/{id} 200` and its schema. */
export interface ResponseSchema {
  name: string;
  schema: Schema;
}

/** Every `application/json` response schema of an OpenAPI document. */
export function responseSchemas(doc: Schema): ResponseSchema[] {
  const found: ResponseSchema[] = [];
  for (const [path, operations] of Object.entries<Schema>(doc.paths ?? {})) {
    for (const [method, operation] of Object.entries<Schema>(operations)) {
      for (const [status, response] of Object.entries<Schema>(operation.responses ?? {})) {
        const schema = response?.content?.["application/json"]?.schema;
        if (schema) found.push({ name: `${method.toUpperCase()} ${path} ${status}`, schema });
      }
    }
  }
  return found;
}

/** The response schema named `method path status`, or a failure naming what is missing. */
export function responseSchema(doc: Schema, method: string, path: string, status: number) {
  const schema =
    doc.paths?.[path]?.[method]?.responses?.[String(status)]?.content?.["application/json"]?.schema;
  if (!schema) throw new Error(`no JSON schema for ${method.toUpperCase()} ${path} ${status}`);
  return schema as Schema;
}

/** The schemas nested in `schema`, each with the path suffix that leads to it. */
function children(schema: Schema): Array<[string, Schema]> {
  const nested: Array<[string, Schema]> = [];
  for (const [name, property] of Object.entries<Schema>(schema.properties ?? {})) {
    nested.push([`.${name}`, property]);
  }
  for (const key of ["anyOf", "oneOf", "allOf"]) {
    for (const [i, branch] of (schema[key] ?? []).entries()) nested.push([`<${i}>`, branch]);
  }
  if (schema.items && typeof schema.items === "object") nested.push(["[]", schema.items]);
  if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
    nested.push(["{}", schema.additionalProperties]);
  }
  for (const value of Object.values<Schema>(schema.patternProperties ?? {})) {
    nested.push(["{}", value]);
  }
  return nested;
}

/**
 * Walks every property of `schema` (through unions, arrays and records) and returns the
 * paths of those without a `description`, of those with no type at all (`{}`, any value),
 * and how many properties there were.
 */
export function undescribedProperties(schema: Schema, at: string) {
  const missing: string[] = [];
  const untyped: string[] = [];
  let properties = 0;
  const walk = (node: Schema, path: string) => {
    for (const [name, property] of Object.entries<Schema>(node.properties ?? {})) {
      properties += 1;
      if (typeof property?.description !== "string" || !property.description.trim()) {
        missing.push(`${path}.${name}`);
      }
      if (!TYPING_KEYWORDS.some((key) => key in (property ?? {}))) untyped.push(`${path}.${name}`);
    }
    for (const [suffix, child] of children(node)) walk(child, `${path}${suffix}`);
  };
  walk(schema, at);
  return { missing, untyped, properties };
}

/** Keywords that constrain what a value may be; a schema with none accepts anything. */
const TYPING_KEYWORDS = ["type", "anyOf", "oneOf", "allOf", "enum", "const", "$ref"];

/** A copy of `schema` in which every object with `properties` refuses any other property. */
export function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (!schema || typeof schema !== "object") return schema;
  const copy: Schema = {};
  for (const [key, value] of Object.entries(schema)) copy[key] = closed(value);
  if (copy.properties && copy.additionalProperties === undefined) {
    copy.additionalProperties = false;
  }
  return copy;
}

const ajv = new Ajv2020({ strict: false, allErrors: true });

/** A validator of `schema` closed at every level; it returns the errors, empty when valid. */
export function strictValidator(schema: Schema) {
  const validate = ajv.compile(closed(schema) as Schema);
  return (value: unknown): string[] => {
    if (validate(value)) return [];
    return (validate.errors ?? []).map(
      (e) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`,
    );
  };
}
