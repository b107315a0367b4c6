import { validate, type ValidationError } from 'class-validator';
import { invalid, type FieldErrors } from '../errors';

/** class-validator's tree → { field: [messages] }, nested fields as "parent.child". */
export function validationFields(errors: ValidationError[], prefix = '', out: FieldErrors = {}): FieldErrors {
  for (const e of errors) {
    const key = prefix + e.property;
    if (e.constraints) out[key] = Object.values(e.constraints);
    if (e.children?.length) validationFields(e.children, `${key}.`, out);
  }
  return out;
}

/**
 * Checks an input against its rules (the class-validator decorators of its input class, the one
 * place each rule is written) or throws a field-keyed 422. Services call it first, so every
 * door and any code calling a service directly (background jobs) gets the same checks; the
 * schema itself does not validate.
 */
export async function validated<T extends object>(Rules: new () => T, input: unknown): Promise<void> {
  const subject = input instanceof Rules ? input : Object.assign(new Rules(), input ?? {});
  const errors = await validate(subject, { forbidUnknownValues: false, stopAtFirstError: false });
  if (errors.length) throw invalid(validationFields(errors));
}
