import { IsInt, Max, Min } from 'class-validator';
/** Validation messages in the wording the published API uses. */
export const BLANK = { message: "can't be blank" };
export const atMost = (n: number) => ({ message: `must be at most ${n} characters` });
export const atLeast = (n: number) => ({ message: `must be at least ${n} characters` });
export const INVALID_EMAIL = { message: 'must be a valid email address' };
export const INVALID_COLOR = { message: 'must be a hex color like #3b82f6' };
export const INVALID_URL = { message: 'must be an http(s) URL' };

/** A rating of a call, wherever one is given or filtered by: a whole number from 1 to 5. */
export function IsRating(): PropertyDecorator {
  const message = { message: 'must be between 1 and 5' };
  return (target, key) => {
    IsInt(message)(target, key);
    Min(1, message)(target, key);
    Max(5, message)(target, key);
  };
}
