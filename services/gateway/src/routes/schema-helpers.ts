import { type IntegerOptions, Type } from "@sinclair/typebox";
import { type TSchema, t } from "elysia";

/**
 * A JSON integer. Not `t.Integer`: Elysia's accepts numeric strings too (for query strings),
 * and the OpenAPI document would say so.
 */
export const integer = (options: IntegerOptions = {}) => Type.Integer(options);

/** `schema` or null, described once on the union (where OpenAPI readers look for it). */
export const nullable = <T extends TSchema>(schema: T, description: string) =>
  t.Union([schema, t.Null()], { description });

export const nullableString = (description: string) => nullable(t.String(), description);
export const nullableNumber = (description: string) => nullable(t.Number(), description);
export const nullableInteger = (description: string) => nullable(integer(), description);

/**
 * One of a few fixed strings. A plain string enum rather than a union of literals: the OpenAPI
 * plugin rewrites such a union into an enum and drops its description on the way.
 */
export const oneOf = <const T extends [string, ...string[]]>(values: T, description: string) =>
  t.UnionEnum(values, { description });

/** A count: a non-negative integer. */
export const count = (description: string) => integer({ minimum: 0, description });

/** A list of strings. */
export const strings = (description: string) => t.Array(t.String(), { description });
