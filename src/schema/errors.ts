import { GraphQLError } from 'graphql';
import type { ValidationError } from 'class-validator';
import { AppError, invalid, toAppError, type FieldErrors } from '../errors';
import { validationFields } from '../services/validate';

/**
 * graphql-js rejects ill-typed variables before any resolver runs; its messages are stable and
 * name the offending path. Read them so REST callers get a field-keyed 422 like any other.
 */
function coercionFields(message: string): FieldErrors | undefined {
  let m = /^Variable "\$(\w+)" got invalid value .*? at "([\w.[\]]+)"; (.*)$/s.exec(message);
  if (m) return { [m[2].replace(/^\w+\.?/, '') || m[1]]: [describeCoercion(m[3])] };
  m = /^Variable "\$(\w+)" got invalid value .*?; Field "(\w+)" of required type ".*?" was not provided\.$/s.exec(message);
  if (m) return { [m[2]]: ["can't be blank"] };
  m = /^Variable "\$(\w+)" got invalid value .*?; Field "(\w+)" is not defined by type/s.exec(message);
  if (m) return { [m[2]]: ['is not a known field'] };
  m = /^Variable "\$(\w+)" got invalid value .*?; (.*)$/s.exec(message);
  if (m) return { [m[1]]: [describeCoercion(m[2])] };
  m = /^Variable "\$(\w+)" of (?:required|non-null) type ".*?" (?:was not provided|must not be null)\.$/.exec(message);
  if (m) return { [m[1]]: ["can't be blank"] };
  return undefined;
}

function describeCoercion(reason: string): string {
  if (/^Int cannot represent/.test(reason)) return 'must be an integer';
  if (/^Float cannot represent/.test(reason)) return 'must be a number';
  if (/^String cannot represent/.test(reason)) return 'must be a string';
  if (/^Boolean cannot represent/.test(reason)) return 'must be a boolean';
  if (/^ID cannot represent/.test(reason)) return 'must be an id';
  if (/^Value ".*" does not exist in ".*" enum/.test(reason) || /^Enum ".*" cannot represent/.test(reason)) return 'is invalid';
  if (/^Expected type "\w+" to be an object/.test(reason)) return 'must be an object';
  if (/^Expected value of type ".*?!", found null/.test(reason) || /must not be null/.test(reason)) return "can't be blank";
  if (/ISO 8601/.test(reason)) return 'must be an ISO 8601 date-time';
  return 'is invalid';
}

/** Any error a GraphQL execution produced, as the one error family. */
export function appErrorFrom(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof GraphQLError) {
    const fields = coercionFields(error.message);
    if (fields) return invalid(fields);
    if (error.originalError && !(error.originalError instanceof GraphQLError)) {
      const original = error.originalError as Error & { extensions?: Record<string, unknown> };
      if (original instanceof AppError) return original;
      const nested = (original.extensions?.validationErrors ?? (error.extensions?.validationErrors)) as ValidationError[] | undefined;
      if (nested) return invalid(validationFields(nested));
      return toAppError(original);
    }
    if (error.originalError instanceof GraphQLError) return appErrorFrom(error.originalError);
    const validationErrors = error.extensions?.validationErrors as ValidationError[] | undefined;
    if (validationErrors) return invalid(validationFields(validationErrors));
    return new AppError('BAD_REQUEST', error.message);
  }
  return toAppError(error);
}
